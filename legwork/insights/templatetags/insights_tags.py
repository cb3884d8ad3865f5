"""Filters for the insights templates. Panels on other apps' pages are in `insights/panels.py`."""

from __future__ import annotations

from django import template

from .. import metrics

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    return metrics.percent(value)
