"""The API's request handling: bounded JSON parsing, token sign-in, and JSON errors for everything.

Every answer under /api/ is JSON. Errors are `{"error": message, "fields": {name: message}}`
with a 4xx status; nothing answers 500 or HTML to malformed input. See docs/api.md.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from legwork.lib.rules import RuleBroken

from .models import ApiToken

if TYPE_CHECKING:
    from legwork.accounts.models import User

View = Callable[..., Any]

# Bounds on what a request body may hold. The largest real body is a journal entry (50,000
# characters, up to 6 bytes each once JSON-escaped) or an exercise's answers.
MAX_BODY_BYTES = 1_000_000
MAX_DEPTH = 16
MAX_NUMBER_CHARS = 32
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
_SURROGATE = re.compile("[\ud800-\udfff]")


class ApiError(Exception):
    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def error_response(status: int, message: str, fields: dict[str, str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"error": message}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status)


def _number_too_long(text: str) -> ApiError:
    return ApiError(400, f"A number in the body is longer than {MAX_NUMBER_CHARS} characters.")


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _number_too_long(text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _number_too_long(text)
    value = float(text)
    if not math.isfinite(value):
        raise ApiError(400, "A number in the body is too large.")
    return value


def _parse_constant(name: str) -> Any:
    raise ApiError(400, f"{name} is not a JSON number.")


def _check_tree(data: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH and text no database can store (lone surrogates)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise ApiError(400, "The body holds a lone surrogate (\\ud800-\\udfff), which is not text.")
            continue
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ApiError(400, f"The body is nested more than {MAX_DEPTH} levels deep.")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and _SURROGATE.search(key):
                    raise ApiError(400, "The body holds a lone surrogate (\\ud800-\\udfff), which is not text.")
                stack.append((item, depth + 1))


def read_body(request: HttpRequest) -> bytes:
    """The raw body, refused with 413 past MAX_BODY_BYTES before any of it is read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, "Content-Length is not a number.") from None
    if length > MAX_BODY_BYTES:
        raise ApiError(413, f"The body is larger than {MAX_BODY_BYTES // 1000} kB.")
    try:
        return request.body
    except RequestDataTooBig:
        raise ApiError(413, f"The body is larger than {MAX_BODY_BYTES // 1000} kB.") from None


def json_body(request: HttpRequest) -> dict[str, Any]:
    """The body as a JSON object ({} when empty), parsed within bounds; 400 or 413 JSON otherwise."""
    raw = read_body(request)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw, parse_int=_parse_int, parse_float=_parse_float, parse_constant=_parse_constant)
    except RecursionError:
        raise ApiError(400, f"The body is nested more than {MAX_DEPTH} levels deep.") from None
    except ValueError:  # JSONDecodeError, UnicodeDecodeError
        raise ApiError(400, "The body is not valid JSON (UTF-8).") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.")
    _check_tree(data)
    return data


def authenticate(request: HttpRequest) -> Any:
    """The token's person, or None. Only `Authorization: Bearer <token>` signs in: no cookies, so no CSRF."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    api_token = ApiToken.authenticate(token.strip()) if scheme.lower() == "bearer" and token else None
    if api_token is None or not api_token.user.is_active:
        return None
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
    return api_token.user


def unauthorised() -> JsonResponse:
    response = error_response(401, "Send a valid personal API token: 'Authorization: Bearer <token>'.")
    response["WWW-Authenticate"] = "Bearer"
    return response


def method_not_allowed(methods: list[str]) -> JsonResponse:
    response = error_response(405, f"Use {' or '.join(methods)}.")
    response["Allow"] = ", ".join(methods)
    return response


def run(request: HttpRequest, handler: View, status: int, kwargs: dict[str, Any]) -> HttpResponse:
    """Sign in by token, call the handler (in one transaction when it writes), and answer JSON.

    A handler returns the body (status `status`), None (204), or a response of its own;
    it raises ApiError, RuleBroken (409 when the object's state is in the way, else 400),
    Http404 or PermissionDenied (403), and nothing it saved is kept when it does.
    """
    user = authenticate(request)
    if user is None:
        return unauthorised()
    request.user = user
    timezone.activate(user.zone)
    try:
        if request.method in SAFE_METHODS:
            result = handler(request, **kwargs)
        else:
            with transaction.atomic():
                result = handler(request, **kwargs)
    except ApiError as error:
        return error_response(error.status, error.message, error.fields)
    except RuleBroken as error:
        fields = {error.field: error.message} if error.field else None
        return error_response(409 if error.conflict else 400, error.message, fields)
    except ValidationError as error:
        return error_response(400, " ".join(error.messages))
    except Http404:
        return error_response(404, "Not found.")
    except PermissionDenied as error:
        return error_response(403, str(error) or "Not allowed.")
    if result is None:
        return HttpResponse(status=204)
    if isinstance(result, HttpResponse):
        return result
    return JsonResponse(result, status=status, safe=False)


def api_view(*methods: str) -> Callable[[View], View]:
    """One endpoint on its own URL: allowed methods, token sign-in and JSON errors (POST answers 201)."""

    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return method_not_allowed(list(methods))
            return run(request, lambda request, **kw: view(request, *args, **kw), _status(request), kwargs)

        return wrapper

    return decorator


def _status(request: HttpRequest) -> int:
    return 201 if request.method == "POST" else 200


def signed_in(request: HttpRequest) -> User:
    """The token's person (set by `run` before any handler is called)."""
    return cast("User", request.user)
