"""Markdown for text people write (journal entries, long exercise answers), made safe to show.

markdown-it-py turns the text into HTML with raw HTML switched off ("js-default"
preset), then nh3 (ammonia) keeps only an allow-list of tags and attributes, so
whatever someone pastes renders as text, never as script. Two layers on purpose:
the parser escapes raw HTML, and the sanitiser is the last word on what reaches
the page even if the parser ever lets something through.
"""

from __future__ import annotations

import re
from functools import cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td", "del", "s",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
# A table column's alignment becomes a class: the Content-Security-Policy allows no inline style.
ALIGN_STYLE = re.compile(r' style="text-align:(left|center|right)"')
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
# Only ordinary web and mail links survive: javascript:, data:, vbscript: and friends are dropped.
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _parser() -> MarkdownIt:
    # "js-default" is CommonMark with raw HTML off and its own link validation;
    # tables and strikethrough are switched on because people use them in notes.
    return MarkdownIt("js-default", {"linkify": False, "typographer": False}).enable(["table", "strikethrough"])


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML: links get rel="noopener nofollow", nothing executable survives."""
    html = ALIGN_STYLE.sub(r' class="align-\1"', _parser().render(text or ""))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"th": ALIGN_CLASSES, "td": ALIGN_CLASSES},
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
