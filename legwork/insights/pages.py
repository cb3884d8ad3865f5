"""What the brief, the coach overview and the client's insights page show, each in a fixed number of queries.

The numbers come from `metrics.py`; this module gathers the rows around them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import F, Prefetch, Q
from django.utils import timezone

from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.exercises.answers import display_answers
from legwork.exercises.models import HomeworkExercise
from legwork.homework.caseload import caseload
from legwork.homework.models import Homework, ProgressEntry
from legwork.notebook.models import JournalEntry

from . import charts, metrics
from .history import interval_before, intervals_for, recent_patterns
from .metrics import Interval, IntervalInsights

if TYPE_CHECKING:
    from legwork.accounts.models import User

SHARED_ENTRIES_SHOWN = 10


@dataclass
class HomeworkRow:
    homework: Homework
    entries: list[metrics.Entry]
    stalled: bool
    # The latest exercise answers as the client wrote them (`exercises.answers.display_answers`).
    answers: list[dict[str, Any]] = field(default_factory=list)
    answers_written_at: dt.datetime | None = None

    @property
    def minutes(self) -> int:
        return sum(e.minutes or 0 for e in self.entries)

    @property
    def last_entry(self) -> metrics.Entry | None:
        return self.entries[-1] if self.entries else None


def _exercise_fields(homework: list[Homework]) -> dict[int, list[dict[str, Any]]]:
    """homework pk -> its exercise's fields, as agreed, for homework that carry an exercise (one query)."""
    return {
        homework_exercise.homework_id: homework_exercise.fields_snapshot
        for homework_exercise in HomeworkExercise.objects.filter(homework__in=[h.pk for h in homework]).only(
            "homework_id", "fields_snapshot"
        )
        if isinstance(homework_exercise.fields_snapshot, list)
    }


def _latest_answers(entries: list[metrics.Entry]) -> metrics.Entry | None:
    return next((e for e in reversed(entries) if isinstance(e.answers, dict) and e.answers), None)


def homework_rows(interval: Interval) -> list[HomeworkRow]:
    """One row per homework of the interval, with its latest exercise answers: one query, none when no entry
    of the interval carries answers."""
    stalled = {h.pk for h in metrics.stalls(interval)}
    answered = {
        item.pk: latest
        for item in interval.homework
        if (latest := _latest_answers(interval.entries.get(item.pk, []))) is not None
    }
    fields = _exercise_fields([item for item in interval.homework if item.pk in answered]) if answered else {}
    rows = []
    for item in interval.homework:
        entries = interval.entries.get(item.pk, [])
        row = HomeworkRow(homework=item, entries=entries, stalled=item.pk in stalled)
        latest = answered.get(item.pk)
        if latest is not None and item.pk in fields:
            row.answers = [
                shown
                for shown in display_answers(fields[item.pk], latest.answers)
                if shown.get("items") or shown.get("value") not in (None, "", [])
            ]
            row.answers_written_at = latest.written_at
        rows.append(row)
    return rows


def shared_journal_entries(engagement: Engagement, interval: Interval) -> list[JournalEntry]:
    """Entries the client chose to share with this engagement, written or shared during the interval.

    Goes through the notebook's own `shared_with_engagement` filter, so an unshared entry can't appear."""
    start, end = interval.start, interval.end or timezone.now() + dt.timedelta(days=1)
    in_window = Q(created_at__gte=start, created_at__lt=end) | Q(shared_at__gte=start, shared_at__lt=end)
    return list(
        JournalEntry.objects.shared_with_engagement(engagement)
        .filter(in_window)
        .order_by("-created_at")[:SHARED_ENTRIES_SHOWN]
    )


def brief_context(session: Session) -> dict[str, Any]:
    """Everything on the brief for one session: twelve queries, whatever the size of the interval."""
    engagement = session.engagement
    interval = interval_before(session)
    insights = metrics.interval_insights(interval)
    to_explore = list(
        AgendaItem.objects.open()
        .filter(engagement_id=engagement.pk, kind=AgendaItem.Kind.TO_EXPLORE)
        .values_list("text", flat=True)
    )
    rows = homework_rows(interval)
    pattern = recent_patterns([engagement], min(interval.now, session.scheduled_at))[engagement.pk]
    state = metrics.client_state(
        name=engagement.client.display_name.split()[0],
        paused=engagement.status == Engagement.Status.PAUSED,
        sessions_held=pattern.sessions_held,
        stalled=stalled_items(insights.stalled, insights.started),
        written_since_last_session=bool(insights.entries),
        recent=pattern.recent,
    )
    return {
        "state": state,
        "session": session,
        "engagement": engagement,
        "interval": interval,
        "insights": insights,
        "rows": rows,
        "has_answers": any(row.answers for row in rows),
        "timeline": charts.timeline_svg(insights),
        "to_explore": to_explore,
        # Loaded with the session by the brief's view; one query otherwise. None if not written yet.
        "reflection": getattr(session, "reflection", None),
        "journal_entries": shared_journal_entries(engagement, interval),
        "interval_start": interval.start,
    }


# --- The coach overview ----------------------------------------------------------------------


@dataclass
class OverviewRow:
    engagement: Engagement
    stalled: list[Homework]
    silent: bool
    to_explore: bool
    state: metrics.ClientState

    @property
    def stuck(self) -> bool:
        return self.state.state == "stuck"


def stalled_items(homework: list[Homework], started: set[int]) -> list[metrics.StalledItem]:
    """`started`: the pks of those with some work logged."""
    return [
        metrics.StalledItem(title=h.title, carried_over=h.carried_from_id is not None, started=h.pk in started)
        for h in homework
    ]


def overview_rows(coach: User, *, now: dt.datetime | None = None) -> list[OverviewRow]:
    """Every active or paused client of a coach (the caseload), sorted by next session: five queries.

    Silent: nothing written since the current interval began (`Engagement.current_interval_start`).
    """
    now = now or timezone.now()
    engagements: list[Engagement] = list(
        caseload(coach)
        .with_interval_start(now)
        .prefetch_related(
            Prefetch(
                "homework",
                # Only what being stalled is judged on and what a stalled item says.
                queryset=Homework.objects.open()
                .filter(status=Homework.Status.CONFIRMED)
                .only("engagement_id", "title", "created_at", "due_on", "reviewed_at", "carried_from_id"),
                to_attr="open_homework_items",
            )
        )
        .order_by(F("next_session_at").asc(nulls_last=True), "client__name")
    )
    # When each was worked on, as plain values: a model for every entry only to read one field was most of
    # the page's loading.
    written: dict[int, list[dt.datetime]] = defaultdict(list)
    open_ids = [item.pk for e in engagements for item in e.open_homework_items]  # type: ignore[attr-defined]
    for homework_id, moment in ProgressEntry.objects.filter(homework__in=open_ids).values_list(
        "homework_id", "written_at"
    ):
        written[homework_id].append(moment)
    patterns = recent_patterns(engagements, now)
    rows = []
    for engagement in engagements:
        zone = engagement.client.zone
        stalled = [
            item
            for item in engagement.open_homework_items  # type: ignore[attr-defined]
            if metrics.is_stalled(item, written[item.pk], zone, now)
        ]
        silent = (
            engagement.last_activity is None  # type: ignore[attr-defined]
            or engagement.last_activity < engagement.interval_start  # type: ignore[attr-defined]
        )
        pattern = patterns[engagement.pk]
        rows.append(
            OverviewRow(
                engagement=engagement,
                stalled=stalled,
                silent=silent,
                to_explore=engagement.has_to_explore,  # type: ignore[attr-defined]
                state=metrics.client_state(
                    name=engagement.client.display_name.split()[0],
                    paused=engagement.status == Engagement.Status.PAUSED,
                    sessions_held=pattern.sessions_held,
                    stalled=stalled_items(stalled, {item.pk for item in stalled if written[item.pk]}),
                    written_since_last_session=not silent,
                    recent=pattern.recent,
                ),
            )
        )
    return rows


# --- Insights over time (the coach's panel and the client's page) ----------------------------


@dataclass
class EngagementInsights:
    engagement: Engagement
    history: list[IntervalInsights]
    current: IntervalInsights | None
    repeated_reasons: list[tuple[str, int]]
    carried_over: int
    longest_carry: int

    @property
    def reviewed(self) -> list[IntervalInsights]:
        return [h for h in self.history if h.reviewed]

    @property
    def done_total(self) -> int:
        return sum(h.done for h in self.history)

    @property
    def reviewed_total(self) -> int:
        return sum(h.reviewed for h in self.history)

    def rates_chart(self) -> Any:
        return charts.rates_svg(self.reviewed, charts.FOLLOW_THROUGH, "Completion and on time")

    def effort_chart(self) -> Any:
        return charts.rates_svg(self.history, charts.EFFORT, "Spread of effort")

    def timeline_chart(self) -> Any:
        return charts.timeline_svg(self.current) if self.current else ""


def engagement_insights(engagement: Engagement, *, now: dt.datetime | None = None) -> EngagementInsights:
    """An engagement's intervals with their numbers: the ones that are over, and the one running now."""
    now = now or timezone.now()
    intervals = intervals_for(engagement, now=now)
    computed = [metrics.interval_insights(interval) for interval in intervals]
    past = [c for c in computed if c.interval.is_over and c.interval.homework]
    running = [c for c in computed if not c.interval.is_over and c.interval.start <= now]
    homework = [h for interval in intervals for h in interval.homework]
    depth = metrics.carry_over_depth(homework)
    return EngagementInsights(
        engagement=engagement,
        history=past,
        current=running[0] if running else None,
        repeated_reasons=metrics.repeated_reasons(homework),
        carried_over=metrics.carried_over(homework),
        longest_carry=max(depth.values(), default=0),
    )
