"""The exercise file format: YAML (or JSON, which is YAML too) checked against library/schema.json.

`parse_exercise` is the one door every exercise comes in by: the built-in files, a
coach's import and the browser editor all go through it, so a document that passes
is one the answer form can render.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from legwork.lib.text import clean_data

LIBRARY = Path(__file__).resolve().parent / "library"
SIMPLE_TYPES = ["short_text", "long_text", "list", "single_choice", "multiple_choice", "scale", "date"]
FIELD_TYPES = [*SIMPLE_TYPES, "group"]
MAX_FILE_BYTES = 200_000
# The most of a document an error message quotes: a message names the place, it never repeats the file.
MAX_QUOTE = 120
# The schema's patterns are matched with re.search, where "$" also matches before a final newline:
# these are matched whole again, so "my-slug\n" is refused instead of failing on export.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: no exercise needs them, and "billion laughs" expands a small
    file into gigabytes. Refused at the first one, before anything is expanded."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


def _quote(text: str) -> str:
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"


class ExerciseFormatError(ValueError):
    """A document that is not a valid exercise; `errors` name the place of each problem."""

    def __init__(self, source: str, errors: list[str]) -> None:
        self.source = source
        self.errors = errors
        super().__init__("\n".join(f"{source}: {error}" for error in errors))


@cache
def schema() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((LIBRARY / "schema.json").read_text())
    return document


def _place(document: Any, path: list[str | int]) -> str:
    """'fields[2] (“hoped_for”).type' from a JSON path, naming the field where we can."""
    if not path:
        return "the document"
    parts: list[str] = []
    node = document
    for step in path:
        if isinstance(step, int):
            parts[-1] = f"{parts[-1]}[{step}]"
            try:
                node = node[step]
            except (IndexError, KeyError, TypeError):
                node = None
            if isinstance(node, dict) and isinstance(node.get("name"), str):
                parts[-1] += f" (“{_quote(node['name'])}”)"
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts)


def _field_checks(document: dict[str, Any]) -> list[str]:
    """What the schema can't say well: unknown types named plainly, and duplicate names."""
    errors: list[str] = []
    fields = document.get("fields")
    if not isinstance(fields, list):
        return errors

    def walk(items: list[Any], prefix: str, allowed: list[str]) -> None:
        seen: set[str] = set()
        for index, field in enumerate(items):
            if not isinstance(field, dict):
                continue
            name = field.get("name")
            place = f"{prefix}[{index}]" + (f" (“{_quote(name)}”)" if isinstance(name, str) else "")
            kind = field.get("type")
            if "type" in field and kind not in allowed:
                errors.append(f"{place}: unknown type “{_quote(str(kind))}”; known types are {', '.join(allowed)}")
            if isinstance(name, str):
                if not FIELD_NAME.fullmatch(name) and FIELD_NAME.match(name):
                    errors.append(f"{place}.name: only lower-case letters, digits and _, on one line")
                if name in seen:
                    errors.append(f"{place}: duplicate field name “{name}”; each field needs its own name")
                seen.add(name)
            # Any field's sub-fields are checked, a group's or not, so none slips past as valid.
            if isinstance(field.get("fields"), list):
                walk(field["fields"], f"{place}.fields", SIMPLE_TYPES)

    walk(fields, "fields", FIELD_TYPES)
    return errors


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return "missing " + ", ".join(missing)
    if error.validator == "additionalProperties":
        return _quote(error.message.replace("Additional properties are not allowed", "unknown key"))
    return _quote(error.message)


def validate_document(document: Any, source: str) -> dict[str, Any]:
    """The document as it will be saved (its text cleaned, as every save cleans it), once it is valid."""
    document = clean_data(document)
    if not isinstance(document, dict):
        raise ExerciseFormatError(source, ["the document must be a mapping of keys (slug, title, fields...)"])
    errors = _field_checks(document)
    if isinstance(document.get("slug"), str) and not SLUG.fullmatch(document["slug"]):
        errors.append("slug: only lower-case letters, digits and single hyphens, on one line")
    validator = jsonschema.Draft202012Validator(schema())
    for error in sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]):
        # Unknown types are already reported above in plainer words.
        if "type" in error.absolute_path and error.validator in ("anyOf", "enum"):
            continue
        if error.validator in ("anyOf", "allOf") and any("type" in sub.absolute_path for sub in error.context or []):
            continue
        errors.append(f"{_place(document, list(error.absolute_path))}: {_schema_message(error)}")
    if errors:
        raise ExerciseFormatError(source, list(dict.fromkeys(errors))[:20])
    return document


def parse_exercise(text: str | bytes, source: str) -> dict[str, Any]:
    """Parse and validate one exercise document; raise ExerciseFormatError naming each problem's place."""
    if isinstance(text, bytes):
        if len(text) > MAX_FILE_BYTES:
            raise ExerciseFormatError(source, [f"the file is larger than {MAX_FILE_BYTES // 1000} kB"])
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ExerciseFormatError(source, ["the file is not UTF-8 text"]) from None
    try:
        document = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader, without aliases
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = getattr(error, "problem", None) or "not valid YAML or JSON"
        raise ExerciseFormatError(source, [f"{where}: malformed YAML/JSON: {_quote(str(problem))}"]) from None
    except RecursionError:
        raise ExerciseFormatError(source, ["the document is nested too deeply"]) from None
    # Surrogate pairs (json.dumps writes an emoji as two escapes) joined, control characters dropped.
    return validate_document(document, source)


def dump_exercise(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def builtin_documents() -> list[dict[str, Any]]:
    """Every shipped exercise file, validated; a broken file stops the load with its name and place."""
    return [parse_exercise(path.read_text(), path.name) for path in sorted(LIBRARY.glob("*.yaml"))]
