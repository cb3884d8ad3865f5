"""Filters for the exercise templates. The panel on the homework page is in `exercises/panels.py`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from legwork.lib.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: Any) -> SafeString:
    return render_markdown(str(text or ""))


@register.filter
def field_type_label(kind: str) -> str:
    from ..forms import TYPE_LABELS

    return TYPE_LABELS.get(kind, kind)
