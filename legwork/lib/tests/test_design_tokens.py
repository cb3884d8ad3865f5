"""The colour tokens of static/legwork.css meet WCAG AA in both schemes (docs/design.md, "Colour").

Every token is `--name: light-dark(#light, #dark)`. Each pair the stylesheet puts together (text on a
background) must reach 4.5:1 in the light and the dark scheme; the borders of fields 3:1 (a
non-text contrast). axe checks the pages as they are drawn; this checks the palette itself, so a
token changed for one page cannot quietly fail another.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[3] / "static" / "legwork.css"
TOKEN = re.compile(r"--([a-z-]+):\s*light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)")

# (foreground, background, the least ratio): text tokens on the surfaces they are used on.
PAIRS = [
    *((text, ground, 4.5) for text in ("text", "muted", "accent", "danger") for ground in ("bg", "surface", "sunken")),
    *((text, "surface", 4.5) for text in ("success", "warn", "explore")),
    ("accent-ink", "accent", 4.5),  # a primary button
    ("surface", "danger", 4.5),  # a danger button
    ("accent", "accent-soft", 4.5),
    ("accent", "highlight", 4.5),
    ("text", "highlight", 4.5),
    ("muted", "highlight", 4.5),
    ("success", "success-soft", 4.5),
    ("warn", "warn-soft", 4.5),
    ("danger", "danger-soft", 4.5),
    ("explore", "explore-soft", 4.5),
    ("text", "neutral-soft", 4.5),
    ("muted", "neutral-soft", 4.5),
    ("text", "prompt", 4.5),
    ("muted", "prompt", 4.5),
    ("field-border", "surface", 3.0),
    ("focus", "surface", 3.0),
    ("focus", "bg", 3.0),
]


def luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def tokens() -> dict[str, tuple[str, str]]:
    return {name: (light, dark) for name, light, dark in TOKEN.findall(CSS.read_text())}


def test_the_stylesheet_declares_each_colour_token_for_both_schemes() -> None:
    found = tokens()
    assert {name for pair in PAIRS for name in pair[:2]} <= set(found)


@pytest.mark.parametrize(("foreground", "background", "least"), PAIRS)
def test_each_pair_of_colour_tokens_is_readable_in_both_schemes(foreground: str, background: str, least: float) -> None:
    found = tokens()
    for scheme, index in (("light", 0), ("dark", 1)):
        got = ratio(found[foreground][index], found[background][index])
        assert got >= least, f"--{foreground} on --{background} in the {scheme} scheme is {got:.2f}:1"
