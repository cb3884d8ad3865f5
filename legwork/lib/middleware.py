"""Every request that may write runs in one database transaction: all of it is saved, or none.

Django's ATOMIC_REQUESTS would do the same for every request, GETs included; on
SQLite, whose transactions Legwork starts IMMEDIATE (settings.py), that would
make every page view take the write lock and wait for the others. So only
unsafe methods (POST, PUT, PATCH, DELETE) are wrapped, and the transaction is
rolled back when the answer is a server error, whether the view raised (Django
has turned the exception into a 500 by the time it gets here) or answered 5xx:
a progress entry saved before the connection dropped is not kept, so a retry
cannot duplicate it. `transaction.on_commit` callbacks (the loop's signals, and
so the reminders) run only once the whole request has committed.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponseBase

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class AtomicWritesMiddleware:
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
