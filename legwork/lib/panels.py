"""Panels: the one hook by which a higher app adds a part to a lower app's page.

A page names a place in its template, `{% load panels %}{% panels "engagement.top" engagement %}`;
a higher app fills it from its own `panels.py` module:

    @panel("engagement.top", "insights/engagement_panel.html", order=10)
    def engagement_insights(context, engagement):
        return {...}  # the template's context, or None to show nothing

The page's app never imports the higher one (see docs/architecture.md), and the higher app's
module is found the way Django finds `admin.py`: every installed Legwork app's `panels` module
is imported the first time a page asks for its panels. Each panel function runs a fixed number of
queries (its docstring says how many), so a page's query count stays flat whatever fills it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django import template
from django.apps import apps
from django.utils.module_loading import module_has_submodule
from django.utils.safestring import SafeString, mark_safe

PanelFunction = Callable[[template.Context, Any], dict[str, Any] | None]

register = template.Library()


@dataclass(frozen=True)
class Panel:
    slot: str
    template_name: str
    function: PanelFunction
    order: int


_registry: dict[str, list[Panel]] = defaultdict(list)
_discovered = False


def panel(slot: str, template_name: str, *, order: int = 50) -> Callable[[PanelFunction], PanelFunction]:
    """Register a function that fills `slot` with `template_name`, rendered with the dict it returns."""

    def decorator(function: PanelFunction) -> PanelFunction:
        panels = _registry[slot]
        if not any(
            p.function.__qualname__ == function.__qualname__ and p.template_name == template_name for p in panels
        ):
            panels.append(Panel(slot=slot, template_name=template_name, function=function, order=order))
            panels.sort(key=lambda p: p.order)
        return function

    return decorator


def discover_panels() -> None:
    """Import every Legwork app's `panels` module, once (they register panels and first steps)."""
    global _discovered
    if not _discovered:
        for config in apps.get_app_configs():
            if config.name.startswith("legwork.") and module_has_submodule(config.module, "panels"):
                import_module(f"{config.name}.panels")
        _discovered = True


def panels_for(slot: str) -> list[Panel]:
    discover_panels()
    return list(_registry.get(slot, []))


@register.simple_tag(takes_context=True)
def panels(context: template.Context, slot: str, subject: Any = None) -> SafeString:
    """Render every panel registered for `slot`, in order, about `subject` (the page's object)."""
    parts = []
    for item in panels_for(slot):
        data = item.function(context, subject)
        if data is None:
            continue
        inner = context.new(data)
        for name in ("csrf_token", "request", "user"):
            if name in context and name not in data:
                inner[name] = context[name]
        parts.append(context.template.engine.get_template(item.template_name).render(inner))  # type: ignore[union-attr]
    return mark_safe("".join(parts))  # noqa: S308 - each part is a template rendered with autoescaping
