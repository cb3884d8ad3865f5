"""Fitting words into an SVG chart drawn on the server, where nothing can measure text.

`text_width` is a generous estimate (0.6 of the font size a character, wide letters more), so a
label it says fits does fit in the system UI faces; `fit_lines` wraps a label onto at most `lines`
lines of `width`, shortening the last with "…" only when the words will not fit (the caller then
puts the whole label in a <title> and in the chart's text alternative).
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString

WIDE = set("MWmw@%")
NARROW = set("iljtfI.,:;'|!() ")


def text_width(text: str, size: float) -> float:
    return sum(size * (0.9 if c in WIDE else 0.35 if c in NARROW else 0.6) for c in text)


def fit_lines(text: str, size: float, width: float, lines: int = 2) -> tuple[list[str], bool]:
    """The label as at most `lines` lines each within `width`, and whether it had to be shortened."""
    out: list[str] = []
    words = text.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size) <= width:
            line = f"{line} {words.pop(0)}"
        out.append(line)
    shortened = bool(words) or any(text_width(line, size) > width for line in out)
    if shortened and out:
        out[-1] = " ".join([out[-1], *words])
        out = [_cut(line, size, width) for line in out]
    return out, shortened


def _cut(line: str, size: float, width: float) -> str:
    if text_width(line, size) <= width:
        return line
    while line and text_width(line.rstrip() + "…", size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


def whole_if_shortened(text: str, shortened: bool) -> SafeString | str:
    """The whole text as the label's <title> when `fit_lines` had to shorten it (a tooltip, and read
    by screen readers), else nothing."""
    return format_html("<title>{}</title>", text) if shortened else ""
