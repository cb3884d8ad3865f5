"""Cursor pagination for every list: `?limit=` (1–200, default 50) and `?cursor=` from the last page.

A page is `{"results": [...], "next_cursor": "…" | null}`. The cursor holds the last
item's sort key, and the next page starts after it (keyset pagination): new rows
arriving at the top while a client walks the list neither repeat nor skip an item,
and page 1,000 costs what page 1 does. Cursors are opaque; a malformed one is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from legwork.lib.shapes import STRING, Schema, array, nullable, obj, ref

from .http import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

QUERY = [
    {
        "name": "limit",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    },
    {
        "name": "cursor",
        "in": "query",
        "schema": {"type": "string"},
        "description": "`next_cursor` of the page before",
    },
]


def page_schema(item: str) -> Schema:
    return obj({"results": array(ref(item)), "next_cursor": nullable(STRING)})


def _limit(request: HttpRequest) -> int:
    raw = request.GET.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, f"limit is a whole number from 1 to {MAX_LIMIT}.", {"limit": "Out of range."})
    return int(raw)


def _fields(queryset: QuerySet[Any], order: tuple[str, ...]) -> list[tuple[str, Any, bool]]:
    """(lookup, model field, descending) for each part of the sort key."""
    meta = queryset.model._meta
    result = []
    for part in order:
        name = part.removeprefix("-")
        field = meta.pk if name == "pk" else meta.get_field(name)
        result.append((name, field, part.startswith("-")))
    return result


def _encode(item: Model, fields: list[tuple[str, Any, bool]]) -> str:
    values = [field.value_to_string(item) for _, field, _ in fields]
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode(cursor: str, fields: list[tuple[str, Any, bool]]) -> list[Any]:
    bad = ApiError(400, "That cursor is not one this list gave.", {"cursor": "Use next_cursor as given."})
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        raise bad from None
    if not isinstance(raw, list) or len(raw) != len(fields) or not all(isinstance(v, str) for v in raw):
        raise bad
    try:
        values = [field.to_python(value) for (_, field, _), value in zip(fields, raw, strict=True)]
    except (ValidationError, ValueError, OverflowError):
        raise bad from None
    if any(value is None for value in values):
        raise bad
    return values


def _after(fields: list[tuple[str, Any, bool]], values: list[Any]) -> Q:
    """Rows that sort after `values`: (a > x) or (a = x and b > y) or ..., each in its own direction."""
    condition = Q()
    for index, (name, _, descending) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[index]})
        for earlier in range(index):
            step &= Q(**{fields[earlier][0]: values[earlier]})
        condition |= step
    return condition


def paginate(
    request: HttpRequest, queryset: QuerySet[Any], *, order: tuple[str, ...], serialise: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """One page of `queryset` sorted by `order` (ending in a unique field, e.g. "-pk")."""
    limit = _limit(request)
    fields = _fields(queryset, order)
    queryset = queryset.order_by(*order)
    if cursor := request.GET.get("cursor", ""):
        queryset = queryset.filter(_after(fields, _decode(cursor[:500], fields)))
    items = list(queryset[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return {
        "results": [serialise(item) for item in items],
        "next_cursor": _encode(items[-1], fields) if more else None,
    }
