from __future__ import annotations

from html.parser import HTMLParser

import pytest

from legwork.lib.markdown import ALLOWED_TAGS, render_markdown

from .payloads import PAYLOADS


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def parsed(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = Collector()
    collector.feed(html)
    return collector.tags


@pytest.mark.parametrize("payload", PAYLOADS)
def test_it_renders_each_hostile_payload_inert(payload: str) -> None:
    for tag, attrs in parsed(render_markdown(payload)):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in {"href", "title", "rel", "start", "class"}, name
            if name == "href":
                assert (value or "").startswith(("http://", "https://", "mailto:")), value
            if name == "class":
                assert tag in ("th", "td")
                assert value in ("align-left", "align-right", "align-center")


def test_a_table_column_keeps_its_alignment_without_inline_style() -> None:
    html = render_markdown("| a | b |\n|--:|:-:|\n| 1 | 2 |")
    assert '<td class="align-right">1</td>' in html
    assert '<th class="align-center">b</th>' in html
    assert "style" not in html


def test_it_keeps_ordinary_markdown() -> None:
    html = render_markdown("# Week 3\n\n- *one*\n- **two**\n\n1. a\n\n> quote\n\n`code`")
    for piece in ("<h1>Week 3</h1>", "<em>one</em>", "<strong>two</strong>", "<blockquote>", "<code>code</code>"):
        assert piece in html


def test_it_marks_links_noopener_nofollow() -> None:
    html = render_markdown("[a site](https://example.com/x?a=1&b=2)")
    assert html == '<p><a href="https://example.com/x?a=1&amp;b=2" rel="noopener nofollow">a site</a></p>\n'


def test_it_shows_raw_html_as_text() -> None:
    assert render_markdown("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n"


def test_it_copes_with_empty_and_huge_text() -> None:
    assert render_markdown("") == ""
    assert render_markdown("[" * 20_000).startswith("<p>[[[")
