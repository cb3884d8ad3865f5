"""VTIMEZONE definitions built from the zone database (zoneinfo), true to it over the years a feed covers.

icalendar's own `Timezone.from_tzid` (7.x) writes each change at the new offset's
wall-clock time read with the old offset, so summer time starts an hour late in
every zone with daylight saving (London's change at 02:00Z instead of 01:00Z), and
it lists every change as an RDATE. Here each change is found in zoneinfo itself;
the changes of one kind that follow a yearly rule (the same month, weekday, week and
wall-clock time, year after year) become one RRULE, as published VTIMEZONEs are
written, since some calendar readers misread long RDATE lists; the others are
RDATEs. A rule still in force in the last year covered has no UNTIL, so readers carry
it on past the feed's years, as the zone database does.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass

import icalendar

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass(frozen=True)
class Change:
    at: dt.datetime  # aware UTC
    before: dt.timedelta
    after: dt.timedelta
    dst: bool
    name: str

    @property
    def local(self) -> dt.datetime:
        """The wall-clock time of the change, read with the offset in force before it (naive)."""
        return (self.at + self.before).replace(tzinfo=None)


def _offset(zone: zoneinfo.ZoneInfo, moment: dt.datetime) -> dt.timedelta:
    return moment.astimezone(zone).utcoffset() or dt.timedelta(0)


@functools.lru_cache(maxsize=64)
def zone_changes(zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime) -> tuple[Change, ...]:
    """Every change of UTC offset (or of daylight saving or name) in [start, end), to the second.

    Kept per zone and span: a feed covers whole years, so each process finds a zone's changes once a year
    rather than on every request (walking the days was a sixth of a feed's time)."""

    def state(moment: dt.datetime) -> tuple[dt.timedelta, bool, str]:
        local = moment.astimezone(zone)
        return (local.utcoffset() or dt.timedelta(0), bool(local.dst()), local.tzname() or "")

    changes = []
    day = dt.timedelta(days=1)
    moment, current = start, state(start)
    while moment < end:
        following = state(moment + day)
        if following != current:
            low, high = int(moment.timestamp()), int((moment + day).timestamp())
            while high - low > 1:  # the change is at a whole second: find it
                middle = (low + high) // 2
                if state(dt.datetime.fromtimestamp(middle, dt.UTC)) == current:
                    low = middle
                else:
                    high = middle
            at = dt.datetime.fromtimestamp(high, dt.UTC)
            after = state(at)
            changes.append(Change(at, current[0], after[0], after[1], after[2]))
            current = after
            # Two changes within a day (rare) are found on the next step from the first one.
            moment = at
            continue
        moment += day
        current = following
    return tuple(changes)


def _ordinals(day: dt.date) -> set[int]:
    """Which week of its month a day is: counted from the start (1…5) and from the end (-1…-5)."""
    last = calendar.monthrange(day.year, day.month)[1]
    return {(day.day - 1) // 7 + 1, -((last - day.day) // 7 + 1)}


def _yearly_runs(changes: list[Change]) -> list[tuple[list[Change], int | None]]:
    """Split one kind of change into runs that follow one yearly rule (with the rule's week), or single ones."""
    runs: list[tuple[list[Change], int | None]] = []
    run: list[Change] = []
    weeks: set[int] = set()
    for change in changes:
        local = change.local
        if run:
            first = run[-1].local
            fits = (
                local.year == first.year + 1
                and (local.month, local.weekday(), local.time()) == (first.month, first.weekday(), first.time())
                and weeks & _ordinals(local.date())
            )
            if fits:
                run.append(change)
                weeks &= _ordinals(local.date())
                continue
            runs.append((run, min(weeks) if len(run) > 1 else None))
        run, weeks = [change], _ordinals(local.date())
    if run:
        runs.append((run, min(weeks) if len(run) > 1 else None))
    return runs


def _component(kind: str, change: Change) -> icalendar.cal.Component:
    component: icalendar.cal.Component = (
        icalendar.TimezoneDaylight() if kind == "DAYLIGHT" else icalendar.TimezoneStandard()
    )
    component.add("dtstart", change.local)
    component.add("tzoffsetfrom", change.before)
    component.add("tzoffsetto", change.after)
    if change.name:
        component.add("tzname", change.name)
    return component


def vtimezone(name: str, start: dt.datetime, end: dt.datetime) -> icalendar.Timezone:
    """A VTIMEZONE for `name` that agrees with zoneinfo from `start` to `end` (aware; end ideally a 1 January)."""
    zone = zoneinfo.ZoneInfo(name)
    result = icalendar.Timezone()
    result.add("tzid", name)
    first = start.astimezone(zone)
    offset = _offset(zone, start)
    # What is in force when the feed's years begin.
    opening = Change(start, offset, offset, bool(first.dst()), first.tzname() or "")
    result.add_component(_component("DAYLIGHT" if opening.dst else "STANDARD", opening))
    changes = zone_changes(zone, start, end)
    kinds: dict[tuple[dt.timedelta, dt.timedelta, bool, str], list[Change]] = {}
    for change in changes:
        kinds.setdefault((change.before, change.after, change.dst, change.name), []).append(change)
    last_year = (end - dt.timedelta(seconds=1)).year
    for same_kind in kinds.values():
        runs = _yearly_runs(same_kind)
        singles = [change for run, week in runs if week is None for change in run]
        for index, (run, week) in enumerate(runs):
            if week is None:
                continue
            component = _component("DAYLIGHT" if run[0].dst else "STANDARD", run[0])
            local = run[0].local
            rule: dict[str, object] = {
                "freq": "yearly",
                "bymonth": local.month,
                "byday": f"{week}{WEEKDAYS[local.weekday()]}",
            }
            still_in_force = index == len(runs) - 1 and run[-1].local.year >= last_year
            if not still_in_force:
                rule["until"] = run[-1].at
            component.add("rrule", rule)
            result.add_component(component)
        if singles:
            component = _component("DAYLIGHT" if singles[0].dst else "STANDARD", singles[0])
            for change in singles[1:]:
                component.add("rdate", change.local)
            result.add_component(component)
    return result
