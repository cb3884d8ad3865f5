"""The one rule for text people give Legwork: what a database, a page or an email header can hold.

Every string a person writes passes `clean_text` before it is stored: the model
signal below cleans every text field of every Legwork model on save, whoever
saves it (page, API, worker, demo), and `clean_data` does the same for JSON
documents (exercise files, exercise answers). The rule:

- A UTF-16 surrogate pair written as two escapes (what Python's `json.dumps`
  writes for an emoji, and what YAML then reads as two code points) becomes the
  character it stands for; a lone surrogate, which no UTF-8 database can store,
  is dropped.
- NUL and the other control characters are dropped (PostgreSQL refuses NUL;
  the rest only ever arrive by accident or on purpose), except tab and newline.
- Line breaks become "\\n" (CR LF, a lone CR, and Unicode's line and paragraph
  separators alike). A single-line field (a name, a title: every CharField)
  holds no line break at all: each run of them becomes one space, so a name can
  never start a new line in an email header or a plain-text body.

See docs/loop.md, "What Legwork accepts".
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls except tab (\x09) and newline (\x0a); DEL and the C1 controls; NUL included.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\x85\u2028\u2029]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_SURROGATE_PAIR = re.compile(r"[\ud800-\udbff][\udc00-\udfff]")
_SINGLE_LINE_BREAKS = re.compile(r"[ \t]*\n[ \t\n]*")


def _pair(match: re.Match[str]) -> str:
    high, low = list(match.group())
    return chr(0x10000 + ((ord(high) - 0xD800) << 10) + (ord(low) - 0xDC00))


def _join_surrogates(value: str) -> str:
    """Pairs of surrogates become the character they encode; lone ones are dropped."""
    if not _SURROGATES.search(value):
        return value
    return _SURROGATES.sub("", _SURROGATE_PAIR.sub(_pair, value))


def clean_text(value: str, *, single_line: bool = False) -> str:
    """`value` with only what a database and an email can hold (see the module docstring)."""
    value = _join_surrogates(value)
    value = _LINE_BREAKS.sub("\n", value)
    value = _CONTROLS.sub("", value)
    if single_line and "\n" in value:
        value = _SINGLE_LINE_BREAKS.sub(" ", value)
    return value


def one_line(value: object) -> str:
    """Any value as one clean line with its ends trimmed: for email subjects and display names."""
    return " ".join(clean_text(str(value), single_line=True).split())


def clean_data(value: Any) -> Any:
    """A JSON-like document with every string in it (keys too) passed through `clean_text`."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    if isinstance(value, dict):
        return {clean_data(key) if isinstance(key, str) else key: clean_data(item) for key, item in value.items()}
    return value


def clean_model_text(instance: Any) -> None:
    """Clean every text field of a model instance in place: CharFields to one line, TextFields and JSON in full.

    Connected to `pre_save` for Legwork's own models (see `legwork.lib.apps`), so no caller can skip it.
    """
    from django.db import models

    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField | models.JSONField):
            continue
        value = getattr(instance, field.attname, None)
        if isinstance(field, models.JSONField):
            if value is not None:
                setattr(instance, field.attname, clean_data(value))
        elif isinstance(value, str):
            # A CharField is one line (a name, a title, a slug); a TextField is writing, with its lines.
            setattr(instance, field.attname, clean_text(value, single_line=not isinstance(field, models.TextField)))
