"""Every follow-through insight, defined and computed here and nowhere else.

The definitions are written out in docs/insights.md; each function below says the same in one line.
Nothing in this module queries the database: the loaders in `history.py` fetch an engagement's
sessions, homework, progress entries and thinking time in a fixed number of queries and hand
plain objects here, so a page's query count never grows with the rows.

An *interval* is the stretch of time leading up to a session: from the start of the previous
session (held or scheduled; cancelled and missed sessions don't count as boundaries) to the start
of this one. Its homework is the homework created in that stretch (agreed at the previous
session's wrap-up); its progress entries are those on its homework written in that stretch.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from legwork.homework.models import Outcome, Reason, carry_over_counts
from legwork.lib.dates import add_days, day_end

if TYPE_CHECKING:
    from legwork.coaching.models import Session
    from legwork.homework.models import Homework

LAST_MINUTE = dt.timedelta(hours=24)
# The most days of one interval that are walked (the latest ones): a session stored far in the past
# (before dates were range-checked) must not make a page walk centuries of days.
MAX_INTERVAL_DAYS = 400


@dataclass(frozen=True)
class ThinkingSlot:
    """One planned occurrence of a thinking-time block, and what the client marked (or "")."""

    starts_at: dt.datetime
    status: str  # "taken", "skipped" or "" (not marked)


class Entry(NamedTuple):
    """A progress entry as the insights read it: its fields, loaded as values (`history`), not as a model.
    An interval can hold hundreds of entries, and a model instance costs several times a tuple to make."""

    pk: int
    homework_id: int
    author_id: int | None
    note: str
    minutes: int | None
    occurred_on: dt.date
    written_at: dt.datetime
    received_at: dt.datetime | None
    answers: Any


@dataclass
class Interval:
    """The stretch before a session, with what happened in it. `end` is None for the stretch after the
    last session when no next session is set; `now` bounds what has happened so far."""

    start: dt.datetime
    end: dt.datetime | None
    zone: zoneinfo.ZoneInfo
    now: dt.datetime
    session: Session | None = None
    homework: list[Homework] = field(default_factory=list)
    # homework pk -> its progress entries written in [start, end), oldest first
    entries: dict[int, list[Entry]] = field(default_factory=dict)
    # homework pk -> when it was worked on before `start` (homework agreed earlier and still open)
    earlier: dict[int, list[dt.datetime]] = field(default_factory=dict)
    thinking: list[ThinkingSlot] = field(default_factory=list)

    @property
    def all_entries(self) -> list[Entry]:
        return sorted((e for items in self.entries.values() for e in items), key=lambda e: e.written_at)

    @property
    def observed_until(self) -> dt.datetime:
        return min(self.end, self.now) if self.end else self.now

    @property
    def is_over(self) -> bool:
        return self.end is not None and self.end <= self.now

    def local_date(self, moment: dt.datetime) -> dt.date:
        try:
            return moment.astimezone(self.zone).date()
        except OverflowError:  # a moment at the very edge of the calendar: its UTC day will do
            return moment.date()


# --- Rates -----------------------------------------------------------------------------------


def completion(homework: Sequence[Homework]) -> tuple[int, int]:
    """(done, counted): of the reviewed homework, leaving out dropped ones, how many were done.

    Partly done is not done. Dropping is a decision, not a failure, so a dropped homework is not counted."""
    counted = [h for h in homework if h.outcome and h.outcome != Outcome.DROPPED]
    return sum(1 for h in counted if h.outcome == Outcome.DONE), len(counted)


def on_time(homework: Sequence[Homework], entries: dict[int, list[Entry]], zone: zoneinfo.ZoneInfo) -> tuple[int, int]:
    """(on time, done): of the done homework, how many had their last progress entry written on or before the
    due date (in the client's zone). A done homework with no entries was finished by the review: on time."""
    done = [h for h in homework if h.outcome == Outcome.DONE]
    punctual = 0
    for item in done:
        items = entries.get(item.pk, [])
        if not items or max(e.written_at for e in items).astimezone(zone).date() <= item.due_on:
            punctual += 1
    return punctual, len(done)


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def last_minute(entries: Iterable[Entry], end: dt.datetime | None) -> tuple[int, int]:
    """(last-minute, all): the interval's entries written in the 24 hours before the session starts."""
    return last_minute_of((e.written_at for e in entries), end)


def last_minute_of(moments: Iterable[dt.datetime], end: dt.datetime | None) -> tuple[int, int]:
    """`last_minute` for bare `written_at` moments (the overview loads only those)."""
    written = [moment for moment in moments if end is None or moment < end]
    if end is None:
        return 0, len(written)
    return sum(1 for moment in written if moment >= end - LAST_MINUTE), len(written)


# --- Days ------------------------------------------------------------------------------------


def interval_days(interval: Interval, *, through_session: bool = False) -> list[dt.date]:
    """Every calendar day (client's zone) the interval touches so far, the first and the session's day included.

    `through_session` goes on to the session's day even if it is still to come (the brief's timeline).
    At most MAX_INTERVAL_DAYS days, the latest ones, and never more than that many still to come."""
    first = interval.local_date(interval.start)
    last = interval.local_date(interval.observed_until)
    if through_session and interval.end is not None:
        last = max(last, min(interval.local_date(interval.end), add_days(last, MAX_INTERVAL_DAYS)))
    first = max(first, add_days(last, -(MAX_INTERVAL_DAYS - 1)))
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def active_days(interval: Interval, *, worked_on: Iterable[dt.date] | None = None) -> set[dt.date]:
    """Days of the interval with any work: a progress entry for that day (the day the work happened, as
    written), or thinking time marked taken that day, in the client's zone.

    `worked_on`: the entries' days (`occurred_on`), for an interval loaded without its entries
    (`history.interval_line_before`); by default they are read from `interval.entries`."""
    days = set(interval_days(interval))
    worked = set(worked_on) if worked_on is not None else {e.occurred_on for e in interval.all_entries}
    worked |= {interval.local_date(slot.starts_at) for slot in interval.thinking if slot.status == "taken"}
    return worked & days


# --- Stalls ----------------------------------------------------------------------------------


def homework_span(homework: Homework, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """A homework's own interval: from when it was agreed to the end of its due day (client's zone)."""
    return homework.created_at, day_end(homework.due_on, zone)


def is_stalled(homework: Homework, written: Sequence[dt.datetime], zone: zoneinfo.ZoneInfo, now: dt.datetime) -> bool:
    """Untouched for more than half of its interval: some stretch without a progress entry (from when it
    was agreed, between entries, or from the last entry until now or the due day's end) is longer than
    half the time from agreement to the end of the due day."""
    start, end = homework_span(homework, zone)
    if end <= start:
        return False
    until = min(now, end)
    if homework.reviewed_at is not None:
        until = min(until, homework.reviewed_at)
    points = [start, *sorted(m for m in written if start <= m <= until), until]
    longest = max((b - a for a, b in zip(points, points[1:], strict=False)), default=dt.timedelta(0))
    return longest > (end - start) / 2


def was_started(homework: Homework, interval: Interval) -> bool:
    """Any progress logged on it, this interval or before."""
    return bool(interval.entries.get(homework.pk) or interval.earlier.get(homework.pk))


def stalls(interval: Interval) -> list[Homework]:
    """The interval's homework that stalled (see `is_stalled`); dropped homework is left out."""
    return [
        item
        for item in interval.homework
        if item.outcome != Outcome.DROPPED
        and is_stalled(
            item,
            interval.earlier.get(item.pk, []) + [e.written_at for e in interval.entries.get(item.pk, [])],
            interval.zone,
            interval.now,
        )
    ]


# --- Carry-overs and reasons -----------------------------------------------------------------


def carried_over(homework: Sequence[Homework]) -> int:
    """How many of these homework were reviewed as not (fully) done and carried into the next interval,
    as they were or changed (`Homework.was_carried_over`)."""
    return sum(1 for h in homework if h.was_carried_over)


def carry_over_depth(homework: Sequence[Homework]) -> dict[int, int]:
    """For each homework, how many times it has been carried over before (0 = new): `carry_over_counts`."""
    return carry_over_counts(homework)


def repeated_reasons(homework: Sequence[Homework]) -> list[tuple[str, int]]:
    """Reasons given two or more times for homework not (fully) done: [(label, times)], most frequent first."""
    counts = Counter(h.reason for h in homework if h.reason and h.outcome in (Outcome.NOT_DONE, Outcome.PARTLY))
    labels = dict(Reason.choices)
    repeated = [(labels.get(reason, reason), times) for reason, times in counts.items() if times >= 2]
    return sorted(repeated, key=lambda pair: (-pair[1], pair[0]))


# --- Thinking time ---------------------------------------------------------------------------


def thinking_time(interval: Interval) -> tuple[int, int, int]:
    """(taken, skipped, planned): the client's thinking-time occurrences in the interval so far."""
    slots = [s for s in interval.thinking if interval.start <= s.starts_at < interval.observed_until]
    taken = sum(1 for s in slots if s.status == "taken")
    skipped = sum(1 for s in slots if s.status == "skipped")
    return taken, skipped, len(slots)


# --- Everything about one interval ------------------------------------------------------------


@dataclass(frozen=True)
class IntervalLine:
    """The client's one line about the interval so far (their home): its days, and those with work."""

    days: int
    active_days: int


def interval_line(interval: Interval, *, worked_on: Iterable[dt.date] | None = None) -> IntervalLine:
    """What the client's line says; needs only the thinking time that was taken, not what was planned,
    and of the entries only the days they were for (`worked_on`, see `active_days`)."""
    return IntervalLine(days=len(interval_days(interval)), active_days=len(active_days(interval, worked_on=worked_on)))


@dataclass
class IntervalInsights:
    interval: Interval
    done: int
    reviewed: int
    on_time: int
    last_minute: int
    entries: int
    days: int
    active_days: int
    stalled: list[Homework]
    carried_over: int
    thinking_taken: int
    thinking_skipped: int
    thinking_planned: int

    @property
    def completion_rate(self) -> float | None:
        return rate(self.done, self.reviewed)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.done)

    @property
    def last_minute_share(self) -> float | None:
        return rate(self.last_minute, self.entries) if self.interval.end is not None else None

    @property
    def active_share(self) -> float | None:
        return rate(self.active_days, self.days)

    @property
    def started(self) -> set[int]:
        """The stalled homework that has some work logged (it stalled after a start): pks."""
        return {item.pk for item in self.stalled if was_started(item, self.interval)}


def interval_insights(interval: Interval) -> IntervalInsights:
    done, reviewed = completion(interval.homework)
    punctual, _ = on_time(interval.homework, interval.entries, interval.zone)
    late, written = last_minute(interval.all_entries, interval.end)
    taken, skipped, planned = thinking_time(interval)
    return IntervalInsights(
        interval=interval,
        done=done,
        reviewed=reviewed,
        on_time=punctual,
        last_minute=late,
        entries=written,
        days=len(interval_days(interval)),
        active_days=len(active_days(interval)),
        stalled=stalls(interval),
        carried_over=carried_over(interval.homework),
        thinking_taken=taken,
        thinking_skipped=skipped,
        thinking_planned=planned,
    )


def day_counts(interval: Interval) -> list[tuple[dt.date, int]]:
    """Progress entries per day of the interval (by the day the work happened), for the timeline."""
    counts = Counter(e.occurred_on for e in interval.all_entries)
    return [(day, counts.get(day, 0)) for day in interval_days(interval)]


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


# --- A client's state in words (the coach's overview and the brief) ---------------------------

# Cramming: at least half of the entries of the latest intervals came in their last 24 hours.
CRAMMING_SHARE = 0.5
CRAMMING_INTERVALS = 3


def is_cramming(recent: Sequence[tuple[int, int]]) -> bool:
    """`recent` is (last-minute, all) for the latest intervals that ended in a session. Cramming: two or
    more of them had entries, and at least half of all their entries were written in the last 24 hours."""
    recent = list(recent)[-CRAMMING_INTERVALS:]
    late, written = sum(r[0] for r in recent), sum(r[1] for r in recent)
    return sum(1 for r in recent if r[1]) >= 2 and late >= written * CRAMMING_SHARE


@dataclass(frozen=True)
class StalledItem:
    title: str
    carried_over: bool  # it came from an earlier homework (`carried_from`): it has been here before
    started: bool = False  # some work is logged on it: it stalled after a start, not before one


@dataclass(frozen=True)
class ClientState:
    """What one client's follow-through looks like right now: one state, and the sentences that say why.

    The states differ, and read differently: `paused` (nothing is expected), `new` (no interval has been
    reviewed yet: no pattern to read), `stuck` (homework untouched for more than half of its time),
    `cramming` (most work lands in the last 24 hours before a session), `quiet` (nothing logged since the
    last session) and `steady` (none of these)."""

    state: str
    label: str
    sentences: tuple[str, ...]
    stalled: tuple[StalledItem, ...] = ()
    cramming: tuple[int, int] | None = None  # (last-minute, all) over the recent intervals, when cramming

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


LABELS = {
    "paused": "Paused",
    "new": "New",
    "stuck": "Stuck",
    "cramming": "Cramming",
    "quiet": "Quiet",
    "steady": "Steady",
}


def _titles(items: Sequence[StalledItem]) -> str:
    quoted = [f"“{item.title}”" for item in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def client_state(
    *,
    name: str,
    paused: bool,
    sessions_held: int,
    stalled: Sequence[StalledItem],
    written_since_last_session: bool,
    recent: Sequence[tuple[int, int]],
) -> ClientState:
    """The one classification every coach page uses (see `ClientState`), from plain facts, no query.

    `sessions_held`: sessions that took place so far; `recent`: (last-minute, all) of the intervals that
    ended in them, oldest first. Paused and new come first: neither has a pattern to judge. A crammer's
    untouched homework is their usual pattern, not a stall, unless it has been carried over before."""
    stalled = tuple(stalled)
    cramming = is_cramming(recent)
    late = sum(r[0] for r in list(recent)[-CRAMMING_INTERVALS:])
    written = sum(r[1] for r in list(recent)[-CRAMMING_INTERVALS:])
    counted = min(len(recent), CRAMMING_INTERVALS)
    crammed = (late, written) if cramming else None
    quiet = "Nothing logged since the last session." if not written_since_last_session else ""

    def made(state: str, *sentences: str) -> ClientState:
        return ClientState(state, LABELS[state], tuple(s for s in sentences if s), stalled, crammed)

    if paused:
        return made("paused", f"Coaching with {name} is paused: nothing is expected until it starts again.")
    if sessions_held < 2:
        # Too early to call anything stuck: say plainly what has not begun, and what began after a long wait.
        unstarted = [item for item in stalled if not item.started]
        slow = [item for item in stalled if item.started]
        return made(
            "new",
            f"{name} is in their first interval: too early for a pattern.",
            f"Not started yet: {_titles(unstarted)}." if unstarted else "",
            f"{_titles(slow)} waited a long while for a first step." if slow else "",
            quiet if not stalled else "",
        )
    cram_sentence = (
        f"Most of {name}'s work lands in the last 24 hours before a session"
        f" ({late} of {written} entries over the last {counted} intervals)."
    )
    if stalled and (not cramming or any(item.carried_over for item in stalled)):
        again = [item for item in stalled if item.carried_over]
        return made(
            "stuck",
            f"Untouched for more than half of its time: {_titles(stalled)}.",
            f"{_titles(again)} {'has' if len(again) == 1 else 'have'} been carried over before." if again else "",
            cram_sentence if cramming else "",
        )
    if cramming:
        waiting = "Nothing logged yet this interval, which fits that pattern." if stalled or quiet else ""
        return made("cramming", cram_sentence, waiting)
    if quiet:
        return made("quiet", quiet)
    return made("steady", "Work logged since the last session, and nothing stalled.")
