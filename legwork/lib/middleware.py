"""Response headers every page needs: no copies of private pages in caches, and no powerful browser features."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    """`Cache-Control: private, no-store` on every response that does not say how it may be kept.

    A signed-in page, an export or an API answer holds someone's data; kept in a
    browser's or a proxy's cache it outlives signing out, on a shared computer
    too. A signed-in person's responses always get it; anonymous responses get it
    unless the view chose its own caching (the calendar feed does: private, for
    a few minutes). Static files, served by WhiteNoise before this, keep theirs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        if not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
