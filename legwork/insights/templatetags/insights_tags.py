"""Filters for the insights templates. Panels on other apps' pages are in `insights/panels.py`."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .. import metrics

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    return metrics.percent(value)


@register.simple_tag
def client_state(state: metrics.ClientState) -> SafeString:
    """The client's one state as a badge and the sentence that says it (the overview's rows, the brief).

    A tag, not an included template: the overview draws it once a client."""
    return format_html('<span class="badge state state-{}">{}</span> {}', state.state, state.label, state.text)
