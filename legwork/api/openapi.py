"""The OpenAPI 3.1 document for /api/v1/, built from the router and the serialisers' schemas.

Paths come from the operations declared in legwork/api/endpoints/ (the same table the
URLconf is built from); request bodies from the pages' forms (`binding.form_schema`);
response shapes from each model's `serialise.SCHEMAS`. The API tests validate every
response they get against this document, and fail on a route no test calls.
"""

from __future__ import annotations

from typing import Any

from legwork.lib.shapes import STRING, Schema, obj, ref

ERROR = obj(
    {"error": STRING, "fields": {"type": "object", "additionalProperties": STRING}},
    optional=["fields"],
    description="`error` says what went wrong; `fields` names each input at fault",
)

ERRORS = {
    "400": "Malformed input (not JSON, a wrong type, a form's rule); `fields` says which",
    "401": "Missing, unknown or revoked token",
    "403": "Not your role for this action",
    "404": "Missing, or not yours: the two look the same",
    "409": "The object's state is in the way (already reviewed, the session has started…)",
    "413": "The body is too large",
}


def _json(schema: Schema, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def schemas() -> dict[str, Schema]:
    from legwork.coaching.serialise import SCHEMAS as COACHING
    from legwork.conversation.serialise import SCHEMAS as CONVERSATION
    from legwork.exercises.serialise import SCHEMAS as EXERCISES
    from legwork.homework.serialise import SCHEMAS as HOMEWORK
    from legwork.insights.serialise import SCHEMAS as INSIGHTS
    from legwork.notebook.serialise import SCHEMAS as NOTEBOOK
    from legwork.practice.serialise import SCHEMAS as PRACTICE
    from legwork.quality.serialise import SCHEMAS as QUALITY
    from legwork.webhooks.serialise import SCHEMAS as WEBHOOKS

    from .endpoints import coaching, exercises, loop, notebook, people, practices, quality, webhooks

    return {
        "Error": ERROR,
        **COACHING,
        **HOMEWORK,
        **NOTEBOOK,
        **EXERCISES,
        **INSIGHTS,
        **CONVERSATION,
        **QUALITY,
        **WEBHOOKS,
        **PRACTICE,
        **people.SCHEMAS,
        **coaching.SCHEMAS,
        **loop.SCHEMAS,
        **notebook.SCHEMAS,
        **exercises.SCHEMAS,
        **quality.SCHEMAS,
        **webhooks.SCHEMAS,
        **practices.SCHEMAS,
    }


def error_statuses(operation: Any) -> list[str]:
    """The 4xx answers an operation may give (405, for a method a path lacks, is not any operation's)."""
    statuses = ["401"]
    writes = operation.method != "GET"
    if operation.body is not None or operation.query or writes:
        statuses.append("400")
    if operation.role:
        statuses.append("403")
    if operation.parameters:
        statuses.append("404")
    if writes:
        statuses.append("409")
    if operation.body is not None:
        statuses.append("413")
    return sorted(statuses)


def _operation(operation: Any) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}} for name in operation.parameters
    ]
    responses: dict[str, Any] = {}
    if operation.response is None:
        responses[str(operation.status)] = {"description": "Done; no content"}
    else:
        responses[str(operation.status)] = _json(operation.response, "OK" if operation.status == 200 else "Created")
    for status in error_statuses(operation):
        responses[status] = _json(ref("Error"), ERRORS[status])
    described: dict[str, Any] = {
        "operationId": operation.handler.__name__,
        "summary": operation.summary,
        "parameters": parameters + list(operation.query),
        "responses": responses,
    }
    if operation.role:
        described["x-role"] = operation.role
    if operation.description:
        described["description"] = operation.description
    if (body := operation.body_schema()) is not None:
        # A body whose every field may be left out may be left out whole (the handler reads it as {}).
        shape = schemas().get(body["$ref"].rsplit("/", 1)[-1], {}) if "$ref" in body else body
        required = bool(shape.get("required")) or shape.get("type") != "object"
        described["requestBody"] = {"required": required, "content": {"application/json": {"schema": body}}}
    return described


def openapi_document(server_url: str) -> dict[str, Any]:
    from .endpoints import router

    paths: dict[str, dict[str, Any]] = {}
    for operation in router.operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(operation)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Legwork API",
            "version": "1",
            "description": "Career coaching homework. Authenticate with a personal token from your profile: "
            "`Authorization: Bearer <token>`. The same access rules as the pages apply: anything missing or not "
            "yours answers 404. Lists are pages `{results, next_cursor}`: pass `?cursor=<next_cursor>` for the "
            "next one, `?limit=` for its size. Errors are `{error, fields}`. See docs/api.md.",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas(),
        },
    }
