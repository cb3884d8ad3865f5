"""Small builders for JSON Schema: each serialiser describes its shape beside the code that makes it.

The API's OpenAPI document gathers these descriptions, and the API tests validate
every response against them, so a shape and its description cannot drift apart.
Objects are closed (`additionalProperties: false`) and every property is required
unless named optional: a field added to a serialiser and not to its schema fails a test.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
DATE: Schema = {"type": "string", "format": "date"}
DATETIME: Schema = {"type": "string", "format": "date-time"}
ANY_OBJECT: Schema = {"type": "object"}


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def enum(values: Iterable[str]) -> Schema:
    return {"type": "string", "enum": list(values)}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def obj(properties: dict[str, Schema], *, optional: Iterable[str] = (), description: str = "") -> Schema:
    """A closed object: every property required except those named `optional`."""
    optional = set(optional)
    schema: Schema = {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def extend(schema: Schema, properties: dict[str, Schema], *, optional: Iterable[str] = ()) -> Schema:
    """A closed object with the properties of `schema` (an `obj`) and more."""
    optional = {*(name for name in schema["properties"] if name not in schema["required"]), *optional}
    return obj({**schema["properties"], **properties}, optional=optional)


def iso(value: Any) -> str | None:
    """A date, time or datetime as ISO 8601 text; None stays None."""
    return value.isoformat() if value is not None else None
