"""Icons and the logo as inline SVG: `{% icon "home" %}`, `{% logo %}` (a builtin, so no `{% load %}`).

Inline, not an <img> or a sprite file: an icon takes the colour of the text beside it
(`currentColor`), follows the dark scheme with no second file, and costs no request. Each is
a line drawing on a 24-unit grid, drawn with the same stroke, so a row of them reads as one
family. An icon is decoration beside a word (`aria-hidden`): the word, or the control's
accessible name, says what it is. Presentation attributes only, never `style=`, so the
Content-Security-Policy (no inline styles) is kept.

The set is small on purpose (docs/design.md, "Icons"): a new one is a line here.
"""

from __future__ import annotations

import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Paths on a 24 x 24 grid, stroked (fill none) with round caps and joins.
ICONS: dict[str, tuple[str, ...]] = {
    "home": (
        '<path d="M3.5 10.5 12 3.5l8.5 7"/>',
        '<path d="M5.5 9v11.5h13V9"/>',
        '<path d="M10 20.5v-6h4v6"/>',
    ),
    "overview": (
        '<path d="M3.5 20.5h17"/>',
        '<path d="M6.5 16.5v-5"/>',
        '<path d="M11.5 16.5v-10"/>',
        '<path d="M16.5 16.5v-7"/>',
    ),
    "insights": (
        '<path d="M3.5 17.5 9 12l4 4 7.5-8.5"/>',
        '<path d="M15.5 7.5h5v5"/>',
    ),
    "notebook": (
        '<path d="M6.5 3.5h11a2 2 0 0 1 2 2v13a2 2 0 0 1-2 2h-11z"/>',
        '<path d="M6.5 3.5v17"/>',
        '<path d="M4 8h5M4 12h5M4 16h5"/>',
        '<path d="M11.5 8h5"/>',
    ),
    "exercises": (
        '<rect x="4.5" y="4.5" width="15" height="16" rx="2"/>',
        '<path d="M9 4.5V3h6v1.5"/>',
        '<path d="m8.5 10.5 1.5 1.5 2.5-2.5"/>',
        '<path d="M14 11h2"/>',
        '<path d="m8.5 15.5 1.5 1.5 2.5-2.5"/>',
        '<path d="M14 16h2"/>',
    ),
    "practice": (
        '<circle cx="9" cy="8" r="3.5"/>',
        '<path d="M2.5 20a6.5 6.5 0 0 1 13 0"/>',
        '<path d="M15.5 4.8a3.5 3.5 0 0 1 0 6.4"/>',
        '<path d="M18 14.2a6.5 6.5 0 0 1 3.5 5.8"/>',
    ),
    "inbox": (
        '<path d="M3.5 13.5 6.5 5h11l3 8.5V19a1.5 1.5 0 0 1-1.5 1.5H5A1.5 1.5 0 0 1 3.5 19z"/>',
        '<path d="M3.5 13.5h5l1.5 2.5h4l1.5-2.5h5"/>',
    ),
    "invite": (
        '<circle cx="10" cy="8" r="4"/>',
        '<path d="M3 20.5a7 7 0 0 1 14 0"/>',
        '<path d="M19.5 8v6M16.5 11h6"/>',
    ),
    "user": (
        '<circle cx="12" cy="8" r="4"/>',
        '<path d="M4.5 20.5a7.5 7.5 0 0 1 15 0"/>',
    ),
    "sign-out": (
        '<path d="M9.5 20.5h-3a2 2 0 0 1-2-2v-13a2 2 0 0 1 2-2h3"/>',
        '<path d="m15.5 16.5 4.5-4.5-4.5-4.5"/>',
        '<path d="M20 12H9.5"/>',
    ),
    "sign-in": (
        '<path d="M14.5 3.5h3a2 2 0 0 1 2 2v13a2 2 0 0 1-2 2h-3"/>',
        '<path d="m9.5 16.5 4.5-4.5-4.5-4.5"/>',
        '<path d="M14 12H3.5"/>',
    ),
    "menu": ('<path d="M4 7h16M4 12h16M4 17h16"/>',),
    "more": (
        '<circle cx="5.5" cy="12" r="1.2"/>',
        '<circle cx="12" cy="12" r="1.2"/>',
        '<circle cx="18.5" cy="12" r="1.2"/>',
    ),
    "check": ('<path d="m5 12.5 4.5 4.5L19 7.5"/>',),
    "clock": (
        '<circle cx="12" cy="12" r="8.5"/>',
        '<path d="M12 7.5V12l3 2"/>',
    ),
    "calendar": (
        '<rect x="3.5" y="5" width="17" height="15.5" rx="2"/>',
        '<path d="M3.5 10h17M8 3v4M16 3v4"/>',
    ),
    "session": ('<path d="M20.5 12a8.5 8.5 0 0 1-12.4 7.5L3.5 20.5l1-4.3A8.5 8.5 0 1 1 20.5 12z"/>',),
    "brief": (
        '<path d="M14 3.5H6.5a2 2 0 0 0-2 2v13a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V9z"/>',
        '<path d="M14 3.5V9h5.5"/>',
        '<path d="M8.5 13h7M8.5 16.5h5"/>',
    ),
    "plus": ('<path d="M12 5v14M5 12h14"/>',),
    "chevron-down": ('<path d="m6 9.5 6 6 6-6"/>',),
    "arrow-right": (
        '<path d="M4.5 12h15"/>',
        '<path d="m13.5 6 6 6-6 6"/>',
    ),
    "print": (
        '<path d="M6.5 9V3.5h11V9"/>',
        '<rect x="3.5" y="9" width="17" height="7.5" rx="1.5"/>',
        '<path d="M6.5 14h11v6.5h-11z"/>',
    ),
    "target": (
        '<circle cx="12" cy="12" r="8.5"/>',
        '<circle cx="12" cy="12" r="4.5"/>',
        '<circle cx="12" cy="12" r="1"/>',
    ),
    "settings": (
        '<circle cx="12" cy="12" r="3"/>',
        '<path d="M12 2.5v3M12 18.5v3M2.5 12h3M18.5 12h3"/>',
        '<path d="M5.3 5.3l2.1 2.1M16.6 16.6l2.1 2.1M5.3 18.7l2.1-2.1M16.6 7.4l2.1-2.1"/>',
    ),
}

# The mark: the path a week of legwork takes (down, then along: an L) to the next step, the dot.
LOGO_MARK = (
    '<rect class="logo-tile" width="32" height="32" rx="8"/>'
    '<path class="logo-path" d="M10.5 8.5v14h11" fill="none" stroke-width="3.6"'
    ' stroke-linecap="round" stroke-linejoin="round"/>'
    '<circle class="logo-step" cx="22" cy="11" r="3.2"/>'
)


@register.simple_tag
@functools.cache  # a pure function of two constants from the templates: built once each, not on every page
def icon(name: str, css_class: str = "") -> SafeString:
    """An icon by name; an unknown name is a mistake in a template, so it fails loudly."""
    paths = "".join(ICONS[name])
    return format_html(
        '<svg class="icon{}" data-icon="{}" viewBox="0 0 24 24" width="24" height="24" fill="none"'
        ' stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"'
        ' aria-hidden="true" focusable="false">{}</svg>',
        f" {css_class}" if css_class else "",
        name,
        mark_safe(paths),  # noqa: S308 - constant markup from ICONS above, never input
    )


@register.simple_tag
def logo(wordmark: str = "Legwork") -> SafeString:
    """The mark and the wordmark; the link around it carries the name (the mark is decoration)."""
    return format_html(
        '<svg class="logo-mark" viewBox="0 0 32 32" width="32" height="32" aria-hidden="true"'
        ' focusable="false">{}</svg>'
        '<span class="wordmark">{}</span>',
        mark_safe(LOGO_MARK),  # noqa: S308 - constant markup, never input
        wordmark,
    )
