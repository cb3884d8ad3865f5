"""Middleware every request passes: private responses stay private, and a write is all or nothing.

`PrivateResponsesMiddleware`: no copies of private pages in caches, and no
powerful browser features.

`AtomicWritesMiddleware`: every request that may write runs in one database
transaction: all of it is saved, or none. Django's ATOMIC_REQUESTS would do the
same for every request, GETs included; on SQLite, whose transactions Legwork
starts IMMEDIATE (settings.py), that would make every page view take the write
lock and wait for the others. So only unsafe methods (POST, PUT, PATCH, DELETE)
are wrapped, and the transaction is rolled back when the answer is a server
error, whether the view raised (Django has turned the exception into a 500 by
the time it gets here) or answered 5xx: a progress entry saved before the
connection dropped is not kept, so a retry cannot duplicate it.
`transaction.on_commit` callbacks (the loop's signals, and so the reminders) run
only once the whole request has committed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


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


class AtomicWritesMiddleware:
    """One transaction around each unsafe request, rolled back on a server error (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in SAFE_METHODS:
            return self.get_response(request)
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response
