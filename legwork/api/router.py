"""The API's routes, declared once: the URLconf and the OpenAPI document's paths both come from here.

Each operation names its method, its path in OpenAPI's spelling (`/homework/{id}`),
who may call it, the response schema, and the form (or schema) its body is checked by.
Several methods on one path share one Django view that dispatches on the method and
answers 405 (with `Allow`) to the rest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.views.decorators.csrf import csrf_exempt

from legwork.lib.shapes import Schema

from .http import ApiError, View, method_not_allowed, run

PREFIX = "api/v1"
_PARAM = re.compile(r"\{(\w+)\}")


@dataclass
class Operation:
    method: str
    path: str
    handler: View
    summary: str
    response: Schema | None
    status: int = 200
    # Who may call it beyond seeing the object: "coach", "client", "owner" (answers 403 to others).
    role: str = ""
    body: Callable[[], Schema] | Schema | None = None
    query: list[dict[str, Any]] = field(default_factory=list)
    description: str = ""
    # A complete Django view of its own (token, method and errors handled), mounted as it is.
    view: View | None = None

    @property
    def route(self) -> str:
        """The Django route, as `request.resolver_match.route` spells it."""
        return PREFIX + _PARAM.sub(r"<str:\1>", self.path)

    @property
    def parameters(self) -> list[str]:
        return _PARAM.findall(self.path)

    def body_schema(self) -> Schema | None:
        return self.body() if callable(self.body) else self.body

    def check_query(self, request: HttpRequest) -> None:
        """400 for a query value its declared schema refuses, so the document and the check are one."""
        for parameter in self.query:
            name, schema = parameter["name"], parameter["schema"]
            if name not in request.GET:
                continue
            raw = request.GET[name]
            value: Any = raw
            if schema.get("type") == "integer":
                if not re.fullmatch(r"-?\d{1,18}", raw):
                    raise ApiError(400, f"{name} is a whole number.", {name: "A whole number."})
                value = int(raw)
            try:
                jsonschema.validate(value, schema)
            except jsonschema.ValidationError as error:
                raise ApiError(400, f"{name} is not a value this list takes.", {name: _problem(error)}) from None

    def call(self, request: HttpRequest, **kwargs: Any) -> Any:
        self.check_query(request)
        return self.handler(request, **kwargs)


def _problem(error: jsonschema.ValidationError) -> str:
    schema = error.schema if isinstance(error.schema, dict) else {}
    if "enum" in schema:
        return "One of: " + ", ".join(str(option) for option in schema["enum"]) + "."
    if "maxLength" in schema:
        return f"At most {schema['maxLength']} characters."
    if "minimum" in schema or "maximum" in schema:
        return f"From {schema.get('minimum', '…')} to {schema.get('maximum', '…')}."
    return "Not a value this takes."


class Router:
    def __init__(self) -> None:
        self.operations: list[Operation] = []

    def add(self, method: str, path: str, **meta: Any) -> Callable[[View], View]:
        def decorator(handler: View) -> View:
            self.operations.append(Operation(method=method, path=path, handler=handler, **meta))
            return handler

        return decorator

    def get(self, path: str, **meta: Any) -> Callable[[View], View]:
        return self.add("GET", path, **meta)

    def post(self, path: str, **meta: Any) -> Callable[[View], View]:
        return self.add("POST", path, **meta)

    def put(self, path: str, **meta: Any) -> Callable[[View], View]:
        return self.add("PUT", path, **meta)

    def patch(self, path: str, **meta: Any) -> Callable[[View], View]:
        return self.add("PATCH", path, **meta)

    def delete(self, path: str, **meta: Any) -> Callable[[View], View]:
        return self.add("DELETE", path, status=204, response=None, **meta)

    def mount(self, method: str, path: str, view: View, **meta: Any) -> None:
        """Describe a view that handles its own token and errors (an `api_view`)."""
        self.operations.append(Operation(method=method, path=path, handler=view, view=view, **meta))

    def by_path(self) -> dict[str, list[Operation]]:
        paths: dict[str, list[Operation]] = {}
        for operation in self.operations:
            paths.setdefault(operation.path, []).append(operation)
        return paths

    def urlpatterns(self) -> list[URLPattern]:
        patterns = []
        for operations in self.by_path().values():
            first = operations[0]
            view = first.view if first.view is not None and len(operations) == 1 else _dispatcher(operations)
            name = "api_" + re.sub(r"\W+", "_", first.path.replace("{", "").replace("}", "")).strip("_")
            patterns.append(path(first.route, view, name=name))
        return patterns


def _dispatcher(operations: list[Operation]) -> View:
    by_method = {operation.method: operation for operation in operations}
    allowed = list(by_method)

    @csrf_exempt
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        operation = by_method.get(request.method or "")
        if operation is None:
            return method_not_allowed(allowed)
        if operation.view is not None:
            response: HttpResponse = operation.view(request, **kwargs)
            return response
        return run(request, operation.call, operation.status, kwargs)

    return view


router = Router()
