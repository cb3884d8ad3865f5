"""Reading exercise answers from a form and showing them again.

`read_answers` turns a POST into the answers dict saved on a progress entry, and the
per-field errors; `bound_fields` prepares what the form template shows (the values as
typed, errors beside each field); `display_answers` prepares saved answers for reading.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict

from legwork.lib.dates import window_problem

SHORT_MAX = 300
LONG_MAX = 10_000
LIST_MAX_ITEMS = 50
GROUP_MAX_ITEMS = 20


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _read_one(field: dict[str, Any], data: QueryDict, key: str) -> tuple[Any, Any, str]:
    """(clean value, value as typed, error) for one simple field under the form key `key`."""
    kind = field["type"]
    if kind == "multiple_choice":
        chosen = [str(value) for value in data.getlist(key)]
        unknown = [value for value in chosen if value not in field.get("options", [])]
        if unknown:
            return chosen, chosen, "Choose from the options shown."
        if field.get("required") and not chosen:
            return chosen, chosen, "Please choose at least one."
        return chosen, chosen, ""
    raw = str(data.get(key, ""))
    text = raw.strip()
    if field.get("required") and not text:
        return None, raw, "Please answer this one."
    if kind == "short_text":
        return text, raw, f"Keep it under {SHORT_MAX} characters." if len(text) > SHORT_MAX else ""
    if kind == "long_text":
        return text, raw, f"Keep it under {LONG_MAX} characters." if len(text) > LONG_MAX else ""
    if kind == "list":
        items = _lines(raw)
        if len(items) > LIST_MAX_ITEMS or any(len(item) > SHORT_MAX for item in items):
            return items, raw, f"Up to {LIST_MAX_ITEMS} lines of up to {SHORT_MAX} characters."
        return items, raw, ""
    if kind == "single_choice":
        if text and text not in field.get("options", []):
            return None, raw, "Choose one of the options shown."
        return text, raw, ""
    if kind == "scale":
        if not text:
            return None, raw, ""
        try:
            number = int(text)
        except ValueError:
            return None, raw, "A whole number from 1 to 10."
        if not 1 <= number <= 10:
            return None, raw, "A whole number from 1 to 10."
        return number, raw, ""
    if kind == "date":
        if not text:
            return "", raw, ""
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, raw, "A date like 2026-03-28."
        if problem := window_problem(day):
            return None, raw, problem
        return day.isoformat(), raw, ""
    return None, raw, "This field has a type we don't know."


def _is_empty(value: Any) -> bool:
    return value in (None, "", [])


def group_count(field: dict[str, Any], data: QueryDict) -> int:
    try:
        count = int(str(data.get(f"{field['name']}-count", "0")))
    except ValueError:
        count = 0
    max_items: int = field.get("max_items", GROUP_MAX_ITEMS)
    return max(0, min(count, max_items))


def read_answers(
    fields: list[dict[str, Any]], data: QueryDict
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(answers, typed, errors): clean answers, the values as typed (to re-render), errors by form key."""
    answers: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        name = field["name"]
        if field["type"] == "group":
            items: list[dict[str, Any]] = []
            typed_items: list[dict[str, Any]] = []
            for index in range(group_count(field, data)):
                item: dict[str, Any] = {}
                typed_item: dict[str, Any] = {}
                for sub in field.get("fields", []):
                    key = f"{name}-{index}-{sub['name']}"
                    value, raw, error = _read_one({**sub, "required": False}, data, key)
                    item[sub["name"]] = value
                    typed_item[sub["name"]] = raw
                    if error:
                        errors[key] = error
                typed_items.append(typed_item)
                if not all(_is_empty(value) for value in item.values()):
                    items.append(item)
            answers[name] = items
            typed[name] = typed_items
            if field.get("required") and not items:
                errors[name] = "Please fill in at least one."
            continue
        value, raw, error = _read_one(field, data, name)
        answers[name] = value
        typed[name] = raw
        if error:
            errors[name] = error
    return answers, typed, errors


def typed_from_answers(fields: list[dict[str, Any]], answers: dict[str, Any] | None) -> dict[str, Any]:
    """Saved answers back into the shape the form shows (lists as lines)."""
    answers = answers if isinstance(answers, dict) else {}

    def as_typed(field: dict[str, Any], value: Any) -> Any:
        if field["type"] == "multiple_choice":
            return [str(v) for v in value] if isinstance(value, list) else []
        if field["type"] == "list":
            return "\n".join(str(v) for v in value) if isinstance(value, list) else ""
        return "" if value is None else str(value)

    typed: dict[str, Any] = {}
    for field in fields:
        value = answers.get(field["name"])
        if field["type"] == "group":
            items = value if isinstance(value, list) else []
            typed[field["name"]] = [
                {sub["name"]: as_typed(sub, item.get(sub["name"])) for sub in field.get("fields", [])}
                for item in items
                if isinstance(item, dict)
            ]
        else:
            typed[field["name"]] = as_typed(field, value)
    return typed


def _bound(field: dict[str, Any], key: str, value: Any, errors: dict[str, str]) -> dict[str, Any]:
    return {**field, "key": key, "value": value, "error": errors.get(key, ""), "scale": range(1, 11)}


def bound_fields(
    fields: list[dict[str, Any]], typed: dict[str, Any], errors: dict[str, str], extra_rows: int = 1
) -> list[dict[str, Any]]:
    """What the answer form shows: each field with its key, value as typed and error; groups with rows."""
    result = []
    for field in fields:
        name = field["name"]
        if field["type"] != "group":
            result.append(_bound(field, name, typed.get(name, ""), errors))
            continue
        rows = list(typed.get(name) or [])
        limit = field.get("max_items", GROUP_MAX_ITEMS)
        rows += [{} for _ in range(min(extra_rows, max(0, limit - len(rows))))]
        rows = rows[:limit]
        bound_rows = [
            [_bound(sub, f"{name}-{index}-{sub['name']}", row.get(sub["name"], ""), errors) for sub in field["fields"]]
            for index, row in enumerate(rows)
        ]
        result.append({**field, "key": name, "rows": bound_rows, "count": len(rows), "error": errors.get(name, "")})
    return result


def display_answers(fields: list[dict[str, Any]], answers: Any) -> list[dict[str, Any]]:
    """Saved answers ready to read: label, type and value per field, groups item by item."""
    answers = answers if isinstance(answers, dict) else {}
    shown = []
    for field in fields:
        value = answers.get(field["name"])
        if field["type"] == "group":
            items = [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
            shown.append({**field, "items": [display_answers(field["fields"], item) for item in items]})
        else:
            if isinstance(value, list):
                value = [str(v) for v in value]
            elif value is not None:
                value = str(value)
            shown.append({**field, "value": value})
    return shown
