"""The top bar's places: `{% nav_item "coach_overview" "overview" "Overview" "from-lg" %}` in base.html.

A tag rather than an included template: every page draws a dozen of them, and an include costs a
template lookup and a context of its own each time (docs/performance.md, issue 12).
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from .icons import icon

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_item(context: template.Context, to: str, glyph: str, label: str, tier: str = "") -> SafeString:
    """One place in the top bar or its menu: an icon and a word; the page you are on says so (aria-current)."""
    href = reverse(to)
    request = context.get("request")
    return format_html(
        '<li{}><a href="{}"{}>{}<span>{}</span></a></li>',
        format_html(' class="{}"', tier) if tier else "",
        href,
        SafeString(' aria-current="page"') if request is not None and request.path == href else "",
        icon(glyph),
        label,
    )
