"""Django's own error pages, answered as JSON under /api/ (and as the usual pages everywhere else).

The API's views answer their own errors; these cover what happens before or around
them: a request Django itself refuses (400, e.g. a bad Host), a CSRF failure, an
unexpected server error (500: logged and mailed to the admins as always).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views import csrf, defaults

from .http import error_response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _is_api(request):
        return error_response(400, "The request could not be read.")
    return defaults.bad_request(request, exception, **kwargs)


def permission_denied(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _is_api(request):
        return error_response(403, str(exception) or "Not allowed.")
    return defaults.permission_denied(request, exception, **kwargs)


def page_not_found(request: HttpRequest, exception: Exception, **kwargs: Any) -> HttpResponse:
    if _is_api(request):
        return error_response(404, "No such endpoint. See /api/v1/openapi.json.")
    return defaults.page_not_found(request, exception, **kwargs)


def server_error(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    if _is_api(request):
        return error_response(500, "Something went wrong on our side. Try again in a moment.")
    return defaults.server_error(request, **kwargs)


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    """API requests sign in by token, never by cookie, so CSRF does not apply; should it fire, answer JSON."""
    if _is_api(request):
        return error_response(
            403, "The API takes a token, not a browser session: send 'Authorization: Bearer <token>'."
        )
    return csrf.csrf_failure(request, reason=reason, **kwargs)
