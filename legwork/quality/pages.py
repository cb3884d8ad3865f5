"""What the quality panels and pages show, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from legwork.coaching.models import Engagement, Session
from legwork.exercises.models import HomeworkExercise
from legwork.homework.models import Homework
from legwork.lib.dates import FIRST_MOMENT

from . import charts, metrics
from .forms import QualityForm
from .metrics import CheckInSeries, QualityLine
from .models import CheckInAnswer, CheckInScale, QualityRating, RatingPair, Role, rating_pairs
from .services import NOT_RATED

LINES_SHOWN = 6


@dataclass
class RatingRow:
    """One homework as one viewer sees its ratings: theirs, the other's once shown, and a form if open."""

    homework: Homework
    pair: RatingPair
    role: str
    shown: list[QualityRating]
    revealed: bool
    can_rate: bool
    form: QualityForm | None

    @property
    def own(self) -> QualityRating | None:
        return self.pair.of(self.role)

    @property
    def other(self) -> QualityRating | None:
        other = self.pair.of(Role.CLIENT if self.role == Role.COACH else Role.COACH)
        return other if other in self.shown else None

    @property
    def other_has_rated(self) -> bool:
        return self.pair.of(Role.CLIENT if self.role == Role.COACH else Role.COACH) is not None


def rating_rows(homework: list[Homework], role: str, now: dt.datetime | None = None) -> list[RatingRow]:
    """Two queries at most (ratings, and review sessions not loaded)."""
    now = now or timezone.now()
    pairs = rating_pairs(homework)
    rows = []
    for item in homework:
        pair = pairs[item.pk]
        revealed = pair.revealed(now)
        rateable = item.outcome not in NOT_RATED and (
            bool(item.outcome) or (role == Role.CLIENT and item.status == Homework.Status.CONFIRMED)
        )
        can_rate = rateable and not revealed
        own = pair.of(role)
        form = None
        if can_rate:
            initial = {"how_well": own.how_well, "usefulness": own.usefulness, "word": own.word} if own else None
            form = QualityForm(initial=initial, prefix=f"q{item.pk}")
        rows.append(RatingRow(item, pair, role, pair.visible_to_role(role, now), revealed, can_rate, form))
    return [row for row in rows if row.can_rate or row.shown]


def session_homework(session: Session) -> list[Homework]:
    """The homework a session reviews: reviewed in it, or still open and agreed before it. One query."""
    return list(
        Homework.objects.filter(engagement_id=session.engagement_id)
        .filter(
            Q(reviewed_in=session)
            | Q(outcome="", created_at__lt=session.scheduled_at, status=Homework.Status.CONFIRMED)
        )
        .exclude(agreed_in=session)
        .select_related("reviewed_in")
        .order_by("due_on", "pk")
    )


def quality_lines(engagement: Engagement, now: dt.datetime | None = None) -> list[QualityLine]:
    """Quality beside completion, one line per session at which homework was reviewed, the latest
    `LINES_SHOWN`. Two queries, one when none of their homework was done or partly done (nothing to rate)."""
    now = now or timezone.now()
    reviewed = Homework.objects.filter(engagement=engagement).reviewed()
    # Only the homework of the lines shown, not the engagement's whole history: reviewed at or after the
    # LINES_SHOWN-th latest moment a session reviewed any (sessions tied with it come too, and the cut below
    # picks as it always did), or outside any session (that line comes first, shown when there are fewer).
    last_shown = (
        reviewed.filter(reviewed_in__isnull=False)
        .order_by("-reviewed_in__scheduled_at")
        .values("reviewed_in__scheduled_at")
        .distinct()[LINES_SHOWN - 1 : LINES_SHOWN]
    )
    homework = list(
        reviewed.filter(
            Q(reviewed_in__isnull=True)
            | Q(reviewed_in__scheduled_at__gte=Coalesce(Subquery(last_shown), Value(FIRST_MOMENT)))
        )
        .select_related("reviewed_in")
        # What the lines read: the outcome, the review session's times (the blind rule), and the title and
        # pk of one done but of little use.
        .only("title", "outcome", "reviewed_in__scheduled_at", "reviewed_in__duration_minutes")
        .order_by("pk")
    )
    pairs = rating_pairs([h for h in homework if h.outcome in metrics.RATED_OUTCOMES])
    return metrics.quality_over_intervals(homework, pairs, now)[-LINES_SHOWN:]


def check_in_series(engagement: Engagement) -> list[CheckInSeries]:
    """Each live scale (and each retired one that has answers) with its answers by session. Two queries, one
    when the engagement has no scales."""
    scales = list(CheckInScale.objects.filter(engagement=engagement))
    if not scales:
        return []  # and so no answers either: each belongs to a scale
    answers = (
        CheckInAnswer.objects.filter(scale__engagement=engagement)
        .order_by("session__scheduled_at")
        .values_list("scale_id", "session__scheduled_at", "value")
    )
    points: dict[int, list[tuple[dt.datetime, int]]] = {}
    for scale_id, when, value in answers:
        points.setdefault(scale_id, []).append((when, value))
    return [
        CheckInSeries(s.question, s.low_label, s.high_label, points.get(s.pk, []))
        for s in scales
        if s.retired_at is None or s.pk in points
    ]


def check_ins_context(engagement: Engagement) -> dict[str, Any]:
    series = check_in_series(engagement)
    zone = engagement.client.zone
    for s in series:
        s.points = [(when.astimezone(zone), value) for when, value in s.points]
    return {"check_in_series": series, "check_in_chart": charts.check_in_svg(series)}


def exercise_scale_series(homework: Homework) -> list[CheckInSeries]:
    """An exercise's scale answers (a Wheel of Life, say) across its sittings, charted like check-ins. Two queries."""
    carried = HomeworkExercise.objects.filter(homework=homework).only("fields_snapshot").first()
    if carried is None or not isinstance(carried.fields_snapshot, list):
        return []
    scales = [f for f in carried.fields_snapshot if isinstance(f, dict) and f.get("type") == "scale"]
    if not scales:
        return []
    sittings = (
        homework.progress.filter(answers__isnull=False).order_by("written_at", "pk").only("answers", "written_at")
    )
    zone = homework.engagement.client.zone
    series = {
        str(f["name"]): CheckInSeries(
            str(f.get("label") or f["name"]), str(f.get("low") or "1"), str(f.get("high") or "10"), []
        )
        for f in scales
    }
    for entry in sittings:
        answers = entry.answers if isinstance(entry.answers, dict) else {}
        for name, item in series.items():
            value = answers.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                item.points.append((entry.written_at.astimezone(zone), value))
    return list(series.values())
