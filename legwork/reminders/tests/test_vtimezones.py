"""Every zone's VTIMEZONE, as a calendar reader would expand it, against zoneinfo's own offsets."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import icalendar
import pytest
from dateutil import rrule

from legwork.reminders.feeds import feed_years
from legwork.reminders.vtimezone import vtimezone, zone_changes


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def onsets(vtz: Any, end: dt.datetime) -> list[tuple[dt.datetime, dt.timedelta]]:
    """Each (UTC moment, offset from then on) the VTIMEZONE says, read from its iCalendar text as a reader would."""
    parsed = icalendar.Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + vtz.to_ical() + b"END:VCALENDAR\r\n")
    [zone] = parsed.walk("VTIMEZONE")
    found = []
    for part in zone.subcomponents:
        begins = part.decoded("DTSTART").replace(tzinfo=None)
        before, after = part.decoded("TZOFFSETFROM"), part.decoded("TZOFFSETTO")
        moments = [begins]
        if "RRULE" in part:
            rule = rrule.rrulestr(text(part["RRULE"].to_ical()), dtstart=begins, ignoretz=True)
            moments = list(rule.between(begins, end.replace(tzinfo=None), inc=True))
        rdates = part.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            moments += [period.dt.replace(tzinfo=None) for period in rdate.dts]
        found += [((moment - before).replace(tzinfo=dt.UTC), after) for moment in moments]
    return sorted(found)


def offset_at(found: list[tuple[dt.datetime, dt.timedelta]], moment: dt.datetime) -> dt.timedelta | None:
    current = None
    for when, offset in found:
        if when > moment:
            break
        current = offset
    return current


def test_every_zones_vtimezone_agrees_with_zoneinfo_over_the_feeds_years() -> None:
    start, end = feed_years(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    wrong = {}
    for name in sorted(zoneinfo.available_timezones()):
        zone = zoneinfo.ZoneInfo(name)
        found = onsets(vtimezone(name, start, end), end)
        moments = [start + dt.timedelta(days=n, hours=12) for n in range(0, (end - start).days, 3)]
        for change in zone_changes(zone, start, end):
            moments += [change.at - dt.timedelta(seconds=1), change.at]
        bad = [m for m in moments if offset_at(found, m) != m.astimezone(zone).utcoffset()]
        if bad:
            wrong[name] = bad[:2]
    assert wrong == {}


@pytest.mark.parametrize(
    ("name", "month", "byday"),
    [("Europe/London", 3, "-1SU"), ("America/New_York", 3, "2SU"), ("Australia/Sydney", 10, "1SU")],
)
def test_a_zone_with_a_yearly_rule_is_written_as_an_rrule(name: str, month: int, byday: str) -> None:
    start, end = feed_years(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    [daylight] = [p for p in vtimezone(name, start, end).subcomponents if p.name == "DAYLIGHT" and "RRULE" in p]
    rule = text(daylight["RRULE"].to_ical())
    assert sorted(rule.split(";")) == sorted(["FREQ=YEARLY", f"BYMONTH={month}", f"BYDAY={byday}"])  # no UNTIL
    assert "RDATE" not in daylight


def test_londons_summer_time_starts_at_one_in_the_morning_utc() -> None:
    start, end = feed_years(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    found = onsets(vtimezone("Europe/London", start, end), end)
    assert (dt.datetime(2027, 3, 28, 1, tzinfo=dt.UTC), dt.timedelta(hours=1)) in found
