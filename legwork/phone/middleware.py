from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class ClearSiteDataOnSignOutMiddleware:
    """Signing out empties this browser of Legwork: the service worker's cached pages, the offline
    queue in IndexedDB, the worker itself (Clear-Site-Data), so a shared phone keeps nothing private
    for the next person. phone.js clears the same on the sign-out button, for browsers without it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.path is None:
            self.path = reverse("account_logout")
        if request.method == "POST" and request.path == self.path and response.status_code in (302, 303):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response
