"""The check-in chart's labels show whole: wrapped onto two lines, shortened only past two and then whole
in a <title>, and no line wider than the label's column by a generous estimate of text width."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

from legwork.lib.svg_text import text_width
from legwork.quality.charts import LABEL_W, WIDTH, check_in_svg
from legwork.quality.metrics import CheckInSeries

DAY = dt.datetime(2026, 3, 2, 17, 0, tzinfo=dt.UTC)
LONG = "Confidence that I can get there from where I am now"
VERY_LONG = "How much of the time I meant to give the search this week I found, all told, honestly and kindly"


def series(question: str, low: str = "Not at all", high: str = "Completely sure of it") -> CheckInSeries:
    return CheckInSeries(question, low, high, [(DAY, 3), (DAY + dt.timedelta(days=14), 6)])


def texts(svg: str) -> list[tuple[int, str]]:
    """Each line drawn (a <text> or one of its <tspan>s), with its font size, <title>s left out."""
    found = []
    for size, inner in re.findall(r'<text[^>]*font-size="(\d+)"[^>]*>(.*?)</text>', svg):
        inner = re.sub(r"<title>.*?</title>", "", inner)
        for line in re.findall(r"<tspan[^>]*>(.*?)</tspan>", inner) or [inner]:
            found.append((int(size), unescape(line)))
    return found


def test_a_long_question_shows_whole_on_two_lines() -> None:
    svg = str(check_in_svg([series(LONG)]))
    drawn = " ".join(line for size, line in texts(svg) if size == 12)
    assert LONG in drawn
    assert "Completely sure of it" in unescape(svg)


def test_a_question_past_two_lines_is_shortened_and_whole_in_its_title_and_text() -> None:
    svg = unescape(str(check_in_svg([series(VERY_LONG)])))
    assert f"<title>{VERY_LONG}</title>" in svg
    assert VERY_LONG in re.search(r"<desc>(.*?)</desc>", svg).group(1)  # type: ignore[union-attr]
    assert f'<th scope="row">{VERY_LONG}</th>' in svg


def test_no_label_is_wider_than_its_column() -> None:
    svg = str(check_in_svg([series(LONG), series(VERY_LONG, "Nothing of what I meant", "All of it and more")]))
    assert f'viewBox="0 0 {WIDTH} ' in svg
    for size, line in texts(svg):
        if not line.strip().isdigit() and not re.fullmatch(r"\d\d \w{3}", line):
            assert text_width(line, size) <= LABEL_W, line


def test_every_text_ends_inside_the_viewbox() -> None:
    svg = str(check_in_svg([series(LONG)]))
    for x, size, anchor, inner in re.findall(
        r'<text x="([\d.]+)"[^>]*font-size="(\d+)"(?: text-anchor="(\w+)")?[^>]*>(.*?)</text>', svg
    ):
        line = re.sub(r"<[^>]+>", "", re.sub(r"<title>.*?</title>", "", inner))
        width = text_width(unescape(line), int(size))
        right = float(x) + {"end": 0, "middle": width / 2}.get(anchor, width)
        assert right <= WIDTH, line
