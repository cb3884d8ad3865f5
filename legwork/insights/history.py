"""Fetch what the insights need, in a fixed number of queries, and cut it into intervals.

The numbers themselves are computed in `metrics.py`; this module only loads and groups.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from legwork.coaching.models import Session
from legwork.homework.models import Homework, ProgressEntry
from legwork.lib.dates import add_time
from legwork.notebook import services as notebook_services
from legwork.notebook.models import ThinkingTimeBlock, ThinkingTimeOccurrence

from . import metrics
from .metrics import CRAMMING_INTERVALS, Entry, Interval, IntervalLine, ThinkingSlot, last_minute_of

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def boundary_sessions(engagement: Engagement) -> QuerySet[Session]:
    """The sessions that end an interval (`SessionQuerySet.taking_place`), oldest first."""
    return engagement.sessions.taking_place().order_by("scheduled_at")


def thinking_slots(client: User, start: dt.datetime, end: dt.datetime) -> list[ThinkingSlot]:
    """The client's planned thinking time in [start, end) with what they marked: two queries."""
    if end <= start:
        return []
    # Unordered, both: the slots are sorted below.
    marks = {
        (block_id, starts_at): status
        for block_id, starts_at, status in ThinkingTimeOccurrence.objects.filter(
            block__client=client, starts_at__gte=start, starts_at__lt=end
        )
        .order_by()
        .values_list("block_id", "starts_at", "status")
    }
    slots: set[tuple[int, dt.datetime]] = set(marks)
    for block in ThinkingTimeBlock.objects.filter(client=client).active().order_by():
        # A block plans nothing before it was made.
        for moment in block.occurrences_between(max(start, block.created_at), end):
            slots.add((block.pk, moment))
    return sorted(
        (ThinkingSlot(starts_at=moment, status=marks.get((block_pk, moment), "")) for block_pk, moment in slots),
        key=lambda slot: slot.starts_at,
    )


def _entries_by_homework(homework: Sequence[Homework]) -> dict[int, list[Entry]]:
    """homework pk -> its progress entries (`metrics.Entry`, values rather than models), oldest first."""
    grouped: dict[int, list[Entry]] = defaultdict(list)
    rows = (
        ProgressEntry.objects.filter(homework__in=[h.pk for h in homework])
        .order_by("written_at", "pk")
        .values_list(*Entry._fields)
    )
    for row in rows:
        entry = Entry(*row)
        grouped[entry.homework_id].append(entry)
    return grouped


def intervals_for(engagement: Engagement, *, now: dt.datetime | None = None) -> list[Interval]:
    """Every interval of an engagement, oldest first, the one still running last (five queries)."""
    now = now or timezone.now()
    zone = engagement.client.zone
    sessions = list(boundary_sessions(engagement))
    homework = list(Homework.objects.filter(engagement=engagement).order_by("created_at", "pk"))
    entries = _entries_by_homework(homework)
    # Each taking-place session ends the interval that began at the one before it (Session.interval_start).
    edges: list[tuple[dt.datetime, dt.datetime | None, Session | None]] = []
    previous: Session | None = None
    for session in sessions:
        edges.append(
            (engagement.interval_start_after(previous, until=session.scheduled_at), session.scheduled_at, session)
        )
        previous = session
    edges.append((engagement.interval_start_after(previous, until=now), None, None))
    first_start = edges[0][0]
    slots = thinking_slots(engagement.client, first_start, now)
    intervals = []
    for index, (start, end, ending) in enumerate(edges):
        own = [h for h in homework if (index == 0 or h.created_at >= start) and (end is None or h.created_at < end)]
        if end is None and not own:
            continue
        intervals.append(
            Interval(
                start=start,
                end=end,
                zone=zone,
                now=now,
                session=ending,
                homework=own,
                entries={
                    h.pk: [
                        e
                        for e in entries.get(h.pk, [])
                        if e.written_at >= start and (end is None or e.written_at < end)
                    ]
                    for h in own
                },
                earlier={h.pk: [e.written_at for e in entries.get(h.pk, []) if e.written_at < start] for h in own},
                thinking=[s for s in slots if s.starts_at >= start and (end is None or s.starts_at < end)],
            )
        )
    return intervals


def _start_before(session: Session) -> tuple[dt.datetime, bool]:
    """Where the interval leading up to `session` began (`Session.interval_start`), and whether a session
    before it began it (False: the engagement's first interval). No query when the session was loaded
    `with_previous_start`."""
    previous_at = session.previous_start()
    if previous_at is not None:
        return previous_at, True
    return session.engagement.interval_start_after(None, until=session.scheduled_at), False


def interval_start_before(session: Session) -> dt.datetime:
    """Where the interval leading up to `session` began: see `_start_before`."""
    return _start_before(session)[0]


def _interval_homework(session: Session, *, through: str = "") -> tuple[dt.datetime, Q]:
    """Where the interval leading up to `session` began, and which homework is its own, as a filter: agreed
    in it, or agreed earlier and still waiting for its review. `through` is the path to the homework from
    the model filtered ("homework__" for its progress entries). No query when the session was loaded
    `with_previous_start`."""
    start, after_a_session = _start_before(session)
    own = Q(**{f"{through}engagement": session.engagement, f"{through}created_at__lt": session.scheduled_at})
    if after_a_session:
        own &= Q(**{f"{through}created_at__gte": start}) | Q(**{f"{through}outcome": ""})
    return start, own


def interval_before(session: Session, *, now: dt.datetime | None = None) -> Interval:
    """The interval leading up to one session (five queries, whatever its size, four when the session was
    loaded `with_previous_start`, and one for the session's engagement's client unless it is loaded).
    The client's line needs less of it: `interval_line_before`."""
    now = now or timezone.now()
    engagement = session.engagement
    start, own = _interval_homework(session)
    homework = list(Homework.objects.filter(own).order_by("created_at", "pk"))
    entries = _entries_by_homework(homework)
    return Interval(
        start=start,
        end=session.scheduled_at,
        zone=engagement.client.zone,
        now=now,
        session=session,
        homework=homework,
        entries={
            h.pk: [e for e in entries.get(h.pk, []) if start <= e.written_at < session.scheduled_at] for h in homework
        },
        earlier={h.pk: [e.written_at for e in entries.get(h.pk, []) if e.written_at < start] for h in homework},
        thinking=thinking_slots(engagement.client, start, min(now, session.scheduled_at)),
    )


def interval_line_before(
    session: Session,
    *,
    now: dt.datetime | None = None,
    thinking_taken: Sequence[dt.datetime] | None = None,
) -> IntervalLine:
    """The client's line about the interval leading up to `session` (`metrics.interval_line`), loading only
    what it counts: the days its homework's entries were for, and when thinking time was taken. Two queries
    when the session was loaded `with_previous_start` with its engagement and client, whatever the number
    of entries (`interval_before` would read every entry and homework whole); one when given
    `thinking_taken`, the moments thinking time was taken from the interval's start
    (`interval_start_before`) on at least, as `notebook.services.thinking_taken` reads them."""
    now = now or timezone.now()
    # The entries' own homework through the join, not a subquery, which the ORM builds more slowly.
    start, own = _interval_homework(session, through="homework__")
    end = session.scheduled_at
    client = session.engagement.client
    if thinking_taken is None:
        thinking_taken = notebook_services.thinking_taken(client, start)
    worked_on = set(
        ProgressEntry.objects.filter(own, written_at__gte=start, written_at__lt=end)
        .order_by()
        .values_list("occurred_on", flat=True)
        .distinct()
    )
    until = min(now, end)
    interval = Interval(
        start=start,
        end=end,
        zone=client.zone,
        now=now,
        session=session,
        thinking=[
            ThinkingSlot(starts_at=moment, status=ThinkingTimeOccurrence.Status.TAKEN)
            for moment in thinking_taken
            if start <= moment < until
        ],
    )
    return metrics.interval_line(interval, worked_on=worked_on)


@dataclass(frozen=True)
class RecentPattern:
    """How many sessions took place up to a moment (counted to `CRAMMING_INTERVALS` + 1 at most: enough
    to tell a new engagement from one with a pattern), and (last-minute, all) for the latest intervals
    they ended."""

    sessions_held: int
    recent: list[tuple[int, int]]


# The sessions that end the latest intervals nearly always lie within this many days; an engagement with
# fewer of them in it (paused, new, or meeting rarely) has all its sessions read instead. So the work
# does not grow with years of history.
RECENT_SESSIONS_WITHIN = dt.timedelta(days=120)


def recent_patterns(engagements: Sequence[Engagement], until: dt.datetime) -> dict[int, RecentPattern]:
    """For each engagement, its sessions that took place up to `until` and the last-minute numbers of the
    latest intervals they ended (`metrics.CRAMMING_INTERVALS` of them): two queries for any number of
    engagements, three when some has too few sessions of late. Each interval runs from the previous
    session (the first from the engagement's start) and counts the entries written in it
    (`metrics.last_minute_of`)."""
    if not engagements:
        return {}
    needed = CRAMMING_INTERVALS + 1  # the latest intervals' ends, and the session that starts the first
    taking_place = Session.objects.taking_place().filter(scheduled_at__lte=until).order_by("scheduled_at")
    ends: dict[int, list[dt.datetime]] = defaultdict(list)
    # Held at the calendar's start for a moment near year 1 (stored before dates were checked): all of them.
    lately_from = add_time(until, -RECENT_SESSIONS_WITHIN)
    lately = taking_place.filter(engagement__in=[e.pk for e in engagements], scheduled_at__gte=lately_from)
    for engagement_id, moment in lately.values_list("engagement_id", "scheduled_at"):
        ends[engagement_id].append(moment)
    # Those with fewer than `needed` lately: all their sessions (there may be none, or only these).
    whole = {e.pk for e in engagements if len(ends.get(e.pk, ())) < needed}
    if whole:
        for engagement_id in whole:
            ends.pop(engagement_id, None)
        for engagement_id, moment in taking_place.filter(engagement__in=whole).values_list(
            "engagement_id", "scheduled_at"
        ):
            ends[engagement_id].append(moment)
    windows: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for engagement in engagements:
        moments = ends.get(engagement.pk, [])
        if engagement.pk in whole:
            starts = [min(engagement.created_at, moments[0])] + moments[:-1] if moments else []
        else:  # only the latest were read: each starts the interval after it
            starts, moments = moments[:-1], moments[1:]
        windows[engagement.pk] = list(zip(starts, moments, strict=True))[-CRAMMING_INTERVALS:]
    earliest = min((w[0][0] for w in windows.values() if w), default=None)
    written: dict[int, list[dt.datetime]] = defaultdict(list)
    if earliest is not None:
        for engagement_id, moment in ProgressEntry.objects.filter(
            engagement__in=[pk for pk, w in windows.items() if w], written_at__gte=earliest, written_at__lt=until
        ).values_list("engagement_id", "written_at"):
            written[engagement_id].append(moment)
    return {
        pk: RecentPattern(
            sessions_held=min(len(ends.get(pk, [])), needed),
            recent=[last_minute_of((m for m in written.get(pk, []) if start <= m), end) for start, end in window],
        )
        for pk, window in windows.items()
    }
