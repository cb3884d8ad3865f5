"""What the quality panels and pages show, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from legwork.coaching.models import Engagement, Session
from legwork.exercises.models import HomeworkExercise
from legwork.homework.models import Homework

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
    """Quality beside completion, one line per session at which homework was reviewed. Two queries."""
    now = now or timezone.now()
    homework = list(
        Homework.objects.filter(engagement=engagement).reviewed().select_related("reviewed_in").order_by("pk")
    )
    pairs = rating_pairs(homework)
    return metrics.quality_over_intervals(homework, pairs, now)[-LINES_SHOWN:]


def check_in_series(engagement: Engagement) -> list[CheckInSeries]:
    """Each live scale (and each retired one that has answers) with its answers by session. Two queries."""
    scales = list(CheckInScale.objects.filter(engagement=engagement))
    answers = (
        CheckInAnswer.objects.filter(scale__engagement=engagement)
        .select_related("session")
        .order_by("session__scheduled_at")
    )
    points: dict[int, list[tuple[dt.datetime, int]]] = {}
    for answer in answers:
        points.setdefault(answer.scale_id, []).append((answer.session.scheduled_at, answer.value))
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
