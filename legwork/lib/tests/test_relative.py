"""Relative times in plain words (lib/relative.py), on the viewer's calendar."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from legwork.lib.relative import relative_time

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("before", "words"),
    [
        (dt.timedelta(seconds=0), "just now"),
        (dt.timedelta(seconds=59), "just now"),
        (dt.timedelta(minutes=1), "1 minute ago"),
        (dt.timedelta(minutes=5), "5 minutes ago"),
        (dt.timedelta(minutes=59, seconds=59), "59 minutes ago"),
        (dt.timedelta(hours=1), "1 hour ago"),
        (dt.timedelta(hours=11), "11 hours ago"),
        (dt.timedelta(hours=13), "yesterday"),
        (dt.timedelta(days=2), "2 days ago"),
        (dt.timedelta(days=6), "6 days ago"),
        (dt.timedelta(days=7), "last week"),
        (dt.timedelta(days=10), "last week"),
        (dt.timedelta(days=15), "2 weeks ago"),
        (dt.timedelta(days=44), "6 weeks ago"),
        (dt.timedelta(days=61), "2 months ago"),
        (dt.timedelta(days=800), "2 years ago"),
        (-dt.timedelta(minutes=5), "in 5 minutes"),
        (-dt.timedelta(days=1), "tomorrow"),
        (-dt.timedelta(days=3), "in 3 days"),
        (-dt.timedelta(days=8), "next week"),
    ],
)
def test_it_says_the_time_in_plain_words(before: dt.timedelta, words: str) -> None:
    assert relative_time(NOW - before, NOW, UTC) == words


def test_it_never_says_zero_minutes_or_weeks_and_days() -> None:
    for minutes in range(0, 60 * 24 * 60, 7):
        words = relative_time(NOW - dt.timedelta(minutes=minutes), NOW, UTC)
        assert not words.startswith("0 ")
        assert not words.startswith("1 week")
        assert "," not in words


def test_it_counts_days_on_the_viewers_calendar() -> None:
    # 21:30 UTC on the 9th is the 9th in London but already the 10th in Auckland (UTC+13).
    written = dt.datetime(2026, 3, 9, 21, 30, tzinfo=UTC)
    now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    assert relative_time(written, now, zoneinfo.ZoneInfo("Europe/London")) == "yesterday"
    assert relative_time(written, now, zoneinfo.ZoneInfo("Pacific/Auckland")) == "11 hours ago"


def test_a_few_hours_across_midnight_are_hours() -> None:
    written, now = dt.datetime(2026, 3, 9, 23, 0, tzinfo=UTC), dt.datetime(2026, 3, 10, 1, 0, tzinfo=UTC)
    assert relative_time(written, now, UTC) == "2 hours ago"


def test_the_filter_uses_the_active_zone_and_the_clock() -> None:
    template = Template("{{ when|ago }}|{{ nothing|ago }}")
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        written = dt.datetime(2026, 3, 9, 21, 30, tzinfo=UTC)
        with timezone.override(zoneinfo.ZoneInfo("Europe/London")):
            assert template.render(Context({"when": written, "nothing": None})) == "yesterday|"
        with timezone.override(zoneinfo.ZoneInfo("Pacific/Auckland")):
            assert template.render(Context({"when": written})) == "11 hours ago|"
        assert Template("{{ when|ago }}").render(Context({"when": timezone.now()})) == "just now"
