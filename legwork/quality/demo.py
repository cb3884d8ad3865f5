"""Demo quality and check-ins: Priya's done homework is rated of little use; Sam's confidence rises;
the coach's own scale on Priya's engagement ("Time I could give it"), hers alone until she shares it.

Written as rows, because these sessions are in the past: the service (rightly) takes no rating
once the review session has ended. The to-explore point is raised through the service's own rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from legwork.coaching.models import Session
from legwork.homework.models import Homework, Outcome

from .models import SHIPPED_SCALES, CheckInAnswer, CheckInScale, QualityRating, Role
from .services import raise_if_done_but_of_little_use

if TYPE_CHECKING:
    from legwork.coaching.demo import DemoPractice
    from legwork.coaching.models import Engagement

# (how well, usefulness, word) by client and coach, for each pattern's reviewed homework in turn.
RATINGS = {
    "steady": [((3, 3, "steady"), (4, 3, "")), ((4, 4, "clicked"), (4, 4, "real progress"))],
    "crammer": [((2, 1, "box-ticking"), (3, 1, "")), ((3, 2, "rushed"), (2, 2, ""))],
}
# Check-ins before each session, oldest first: Sam's confidence rises.
CHECK_INS = {
    "steady": {"clarity": [4, 5, 6, 6], "confidence": [3, 4, 6, 7], "energy": [6, 5, 6, 7]},
    "crammer": {"confidence": [5, 5, 4], "energy": [4, 3, 4]},
}
# The coach's own scales, by pattern, after the shipped ones: question, low, high, answers oldest first.
OWN_SCALES = {"crammer": [("Time I could give it this fortnight", "none", "plenty", [2, 3, 2])]}


def _rate(engagement: Engagement, pattern: str) -> None:
    done = (
        Homework.objects.filter(engagement=engagement, outcome__in=[Outcome.DONE, Outcome.PARTLY])
        .select_related("reviewed_in")
        .order_by("reviewed_at", "pk")
    )
    # The latest reviewed first, a done one before a partly done one: the brief shows recent intervals.
    latest = sorted(
        done, key=lambda h: (h.outcome != Outcome.DONE, -(h.reviewed_at.timestamp() if h.reviewed_at else 0))
    )
    for item, (client, coach) in zip(latest, RATINGS.get(pattern, []), strict=False):
        ratings = []
        for role, (how_well, usefulness, word), by in (
            (Role.CLIENT, client, engagement.client),
            (Role.COACH, coach, engagement.coach),
        ):
            ratings.append(
                QualityRating.objects.create(
                    homework=item,
                    engagement=engagement,
                    role=role,
                    rated_by=by,
                    how_well=how_well,
                    usefulness=usefulness,
                    word=word,
                    rated_at=item.reviewed_at or item.created_at,
                    updated_at=item.reviewed_at or item.created_at,
                )
            )
        raise_if_done_but_of_little_use(item, ratings)


def _check_ins(engagement: Engagement, pattern: str) -> None:
    chosen = CHECK_INS.get(pattern)
    if not chosen:
        return
    shipped = {key: (question, low, high) for key, question, low, high in SHIPPED_SCALES}
    sessions = list(engagement.sessions.exclude(status=Session.Status.CANCELLED).order_by("scheduled_at"))
    for order, (key, values) in enumerate(chosen.items()):
        question, low, high = shipped[key]
        scale = CheckInScale.objects.create(
            engagement=engagement, key=key, question=question, low_label=low, high_label=high, order=order
        )
        _answer(scale, sessions, values)
    for order, (question, low, high, values) in enumerate(OWN_SCALES.get(pattern, []), start=len(chosen)):
        scale = CheckInScale.objects.create(
            engagement=engagement, question=question, low_label=low, high_label=high, order=order
        )
        _answer(scale, sessions, values)


def _answer(scale: CheckInScale, sessions: list[Session], values: list[int]) -> None:
    # The latest values go with the latest sessions (the upcoming one's is answered already).
    for session, value in zip(sessions[-len(values) :], values, strict=False):
        CheckInAnswer.objects.create(scale=scale, session=session, value=value, answered_at=session.scheduled_at)


def populate(practice: DemoPractice) -> None:
    for pattern, engagement in practice.engagements.items():
        _rate(engagement, pattern)
        _check_ins(engagement, pattern)
