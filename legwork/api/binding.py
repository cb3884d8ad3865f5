"""The API's input is checked by the pages' own forms: JSON is bound to the form, its errors become JSON.

`bind` checks each value's JSON type against the form field it fills (text for a
text field, a whole number for a number or a choice of object, true/false for a
box, a list for several choices), turns the object into the form data a browser
would send, and runs the form; every rule the page has (lengths, windows, choices,
`clean()`) holds for the API as it is. `form_schema` describes the same fields for
the OpenAPI document, so the documented input and the checked input are one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.http import QueryDict

from legwork.lib.shapes import Schema

from .http import ApiError

FIELDS_MESSAGE = "Some fields need another look."
_WHEN_FIELDS = (forms.DateTimeField, forms.DateField, forms.TimeField)


def _kind(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return "ids"
    if isinstance(field, forms.ModelChoiceField):
        return "id"
    if isinstance(field, forms.MultipleChoiceField):
        return "texts"
    if isinstance(field, forms.IntegerField):
        return "integer"
    return "text"


def _type_error(kind: str, value: Any) -> str | None:
    """Why `value` cannot fill a field of this kind, or None when it can."""
    if value is None:
        return None
    if kind == "boolean":
        return None if isinstance(value, bool) else "true or false."
    if kind in ("id", "integer"):
        return None if isinstance(value, int) and not isinstance(value, bool) else "A whole number."
    if kind in ("ids", "texts"):
        item = int if kind == "ids" else str
        ok = isinstance(value, list) and all(isinstance(v, item) and not isinstance(v, bool) for v in value)
        return None if ok else "A list of " + ("ids." if kind == "ids" else "texts.")
    return None if isinstance(value, str) else "Text."


def _put(data: QueryDict, name: str, kind: str, value: Any) -> None:
    if value is None or (kind == "boolean" and value is False):
        return
    if kind == "boolean":
        data[name] = "on"
    elif isinstance(value, list):
        data.setlist(name, [str(item) for item in value])
    else:
        data[name] = str(value)


def form_data(
    fields: dict[str, forms.Field], payload: dict[str, Any], *, prefix: str = "", where: str = ""
) -> tuple[QueryDict, dict[str, str]]:
    """(form data, type errors) for one form's fields from a JSON object; unknown names are errors too."""
    data = QueryDict(mutable=True)
    errors: dict[str, str] = {}
    for name, value in payload.items():
        field = fields.get(name)
        if field is None:
            errors[where + name] = "Not a field of this request."
            continue
        kind = _kind(field)
        if (problem := _type_error(kind, value)) is not None:
            errors[where + name] = problem
            continue
        limit = field.max_length if isinstance(field, forms.CharField) else None
        if limit and isinstance(value, str) and len(value) > limit:
            # The form strips first (trailing newlines passed); the document's maxLength is of the text as sent.
            errors[where + name] = f"At most {limit} characters."
            continue
        if value == "" and isinstance(field, _WHEN_FIELDS):
            # A form reads "" as left empty; the document says a date or null, so "" is refused.
            errors[where + name] = "A date or time as documented, or null."
            continue
        _put(data, prefix + name, kind, value)
    return data, errors


def current_values(form: forms.BaseForm) -> dict[str, Any]:
    """A form's initial values (an instance's, for a model form) as JSON would carry them, for a PATCH."""
    values: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form.get_initial_for_field(field, name))
        kind = _kind(field)
        if kind == "boolean":
            values[name] = bool(value)
        elif kind in ("id", "integer"):
            values[name] = None if value in (None, "") else int(value)
        elif kind in ("ids", "texts"):
            values[name] = [str(v) if kind == "texts" else v for v in value or []]
        elif value is None:
            values[name] = None
        else:
            values[name] = str(value)
    return values


def _text(messages: Iterable[object]) -> str:
    return " ".join(str(message) for message in messages)


def form_errors(form: forms.BaseForm, *, where: str = "") -> dict[str, str]:
    return {where + name: _text(messages) for name, messages in form.errors.items() if name != "__all__"}


def raise_for(form: forms.BaseForm) -> None:
    """400 with the form's messages: field errors under `fields`, the form's own as the `error`."""
    general = form.non_field_errors()
    raise ApiError(400, _text(general) if general else FIELDS_MESSAGE, form_errors(form))


def bind(
    make: Callable[[QueryDict | None], forms.BaseForm],
    payload: dict[str, Any],
    *,
    partial: bool = False,
    exclude: Iterable[str] = (),
) -> Any:
    """The form `make(data)` bound to the JSON object and valid, or ApiError 400 saying why.

    `partial` (PATCH) keeps every field not in the payload as it is now (the form's initial).
    """
    # One form, made once: its data is filled in place before anything reads it.
    data = QueryDict(mutable=True)
    form = make(data)
    fields = {name: field for name, field in form.fields.items() if name not in set(exclude)}
    values = {**current_values(form), **payload} if partial else payload
    values = {name: value for name, value in values.items() if name in fields or name in payload}
    filled, errors = form_data(fields, values)
    if errors:
        raise ApiError(400, FIELDS_MESSAGE, errors)
    for key in filled:
        data.setlist(key, filled.getlist(key))
    if not form.is_valid():
        raise_for(form)
    return form


# --- The same fields, described for the OpenAPI document ---------------------------------------------

_FORMATS = {
    forms.DateTimeField: {"format": "date-time"},
    forms.DateField: {"format": "date"},
    forms.TimeField: {"pattern": r"^\d{2}:\d{2}(:\d{2})?$"},
    forms.EmailField: {"format": "email"},
    forms.URLField: {"format": "uri"},
}


def _grouped(label: object) -> bool:
    return isinstance(label, list | tuple)


def _choices(field: forms.Field) -> list[str]:
    choices = getattr(field, "choices", None) or []
    try:
        # A group's choices (an <optgroup>, as in the time zone picker) count as the field's own.
        flat = [item for value, label in choices for item in (label if _grouped(label) else [(value, label)])]
        return [str(value) for value, _ in flat if value != ""]
    except (TypeError, ValueError):
        return []


def field_schema(field: forms.Field) -> Schema:
    kind = _kind(field)
    schema: Schema
    if kind == "boolean":
        schema = {"type": "boolean"}
    elif kind in ("id", "integer"):
        schema = {"type": "integer"}
        if isinstance(field, forms.IntegerField):
            if field.min_value is not None:
                schema["minimum"] = field.min_value
            if field.max_value is not None:
                schema["maximum"] = field.max_value
    elif kind in ("ids", "texts"):
        item: Schema = {"type": "integer"} if kind == "ids" else {"type": "string"}
        if kind == "texts" and (options := _choices(field)):
            item["enum"] = options
        schema = {"type": "array", "items": item}
    else:
        schema = {"type": "string"}
        for field_class, extra in _FORMATS.items():
            if isinstance(field, field_class):
                schema.update(extra)
                break
        if isinstance(field, forms.CharField) and field.max_length:
            schema["maxLength"] = field.max_length
        if isinstance(field, forms.CharField) and field.required:
            # A required text field takes something besides spaces (the form strips them first).
            schema["minLength"] = 1
            if field.strip:
                schema["pattern"] = r"\S"
        if isinstance(field, forms.ChoiceField) and (options := _choices(field)):
            schema["enum"] = options
    if field.help_text or field.label:
        schema["description"] = str(field.help_text or field.label)
    return {"anyOf": [schema, {"type": "null"}]} if not field.required else schema


def form_schema(
    form_class: type[forms.Form | forms.ModelForm[Any]],
    *,
    exclude: Iterable[str] = (),
    partial: bool = False,
    description: str = "",
) -> Schema:
    """The JSON body a form takes: its fields, required as the form requires them (none when `partial`)."""
    excluded = set(exclude)
    fields = {name: field for name, field in form_class.base_fields.items() if name not in excluded}
    schema: Schema = {
        "type": "object",
        "properties": {name: field_schema(field) for name, field in fields.items()},
        "additionalProperties": False,
    }
    required = [name for name, field in fields.items() if field.required and not partial]
    if required:
        schema["required"] = required
    if description:
        schema["description"] = description
    return schema


def bind_rows(make: Callable[[QueryDict | None], forms.BaseFormSet[Any]], rows: Any, *, name: str) -> Any:
    """A formset `make(data)` bound to a JSON list of objects, one form per object, each one checked.

    Errors name the row: `{"homework[1].title": "This field is required."}`.
    """
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise ApiError(400, FIELDS_MESSAGE, {name: "A list of objects."})
    unbound = make(None)
    prefix = unbound.prefix
    fields = unbound.empty_form.fields
    data = QueryDict(mutable=True)
    data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = "0"
    errors: dict[str, str] = {}
    for index, row in enumerate(rows):
        row_data, row_errors = form_data(fields, row, prefix=f"{prefix}-{index}-", where=f"{name}[{index}].")
        errors.update(row_errors)
        for key in row_data:
            data.setlist(key, row_data.getlist(key))
    if errors:
        raise ApiError(400, FIELDS_MESSAGE, errors)
    formset = make(data)
    for form in formset.forms:
        form.empty_permitted = False  # every row sent is meant, unlike a page's spare empty rows
    if not formset.is_valid():
        errors = {}
        for index, form in enumerate(formset.forms):
            errors.update(form_errors(form, where=f"{name}[{index}]."))
            if form.non_field_errors():
                errors[f"{name}[{index}]"] = _text(form.non_field_errors())
        general = formset.non_form_errors()
        raise ApiError(400, _text(general) if general else FIELDS_MESSAGE, errors)
    return formset
