"""The JSON shape of ratings, check-ins and steps, for the API and the exports alike.

Ratings go out only through the blind rule (`RatingPair.visible_to_role`): an export or an API
answer holds the other person's rating only once both have rated or the session has ended.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from legwork.homework.models import Homework
from legwork.lib.shapes import BOOLEAN, DATETIME, INTEGER, STRING, array, enum, iso, nullable, obj, ref

from .models import CheckInAnswer, CheckInScale, QualityRating, RatingPair, Role, Step, rating_pairs, role_of

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def quality_rating(rating: QualityRating) -> dict[str, Any]:
    return {
        "role": rating.role,
        "how_well": rating.how_well,
        "usefulness": rating.usefulness,
        "word": rating.word,
        "rated_at": iso(rating.rated_at),
        "updated_at": iso(rating.updated_at),
    }


def homework_quality(pair: RatingPair, *, role: str | None, now: dt.datetime | None = None) -> dict[str, Any]:
    """A homework's ratings as a viewer in `role` may read them."""
    now = now or timezone.now()
    return {
        "homework": pair.homework.pk,
        "revealed": pair.revealed(now),
        "waiting_for": pair.waiting_for(),
        "ratings": [quality_rating(r) for r in pair.visible_to_role(role, now)],
    }


def check_in_scale(scale: CheckInScale) -> dict[str, Any]:
    return {
        "id": scale.pk,
        "key": scale.key or None,
        "question": scale.question,
        "low_label": scale.low_label,
        "high_label": scale.high_label,
        "retired_at": iso(scale.retired_at),
        "shared_at": iso(scale.shared_at),
    }


def library_scale(scale: CheckInScale, *, viewer: User) -> dict[str, Any]:
    """A scale in a coach's library: its words, and who shared it when it is a colleague's (never whose
    engagement it came from)."""
    coach = scale.engagement.coach
    return {
        "id": scale.pk,
        "question": scale.question,
        "low_label": scale.low_label,
        "high_label": scale.high_label,
        "shared_at": iso(scale.shared_at),
        "shared_by": coach.display_name if coach.pk != viewer.pk else None,
    }


def check_in_answer(answer: CheckInAnswer) -> dict[str, Any]:
    return {
        "scale": answer.scale_id,
        "session": answer.session_id,
        "value": answer.value,
        "answered_at": iso(answer.answered_at),
    }


def step(item: Step) -> dict[str, Any]:
    return {
        "homework": item.homework_id,
        "source": item.source_id,
        "self": item.self_text,
        "self_kind": item.self_kind,
        "strategy": item.strategy,
        "created_at": iso(item.created_at),
    }


def engagement_check_ins(engagement: Engagement) -> dict[str, Any]:
    scales = CheckInScale.objects.filter(engagement=engagement)
    answers = CheckInAnswer.objects.filter(scale__engagement=engagement).order_by("session__scheduled_at", "scale_id")
    return {"scales": [check_in_scale(s) for s in scales], "answers": [check_in_answer(a) for a in answers]}


def engagement_quality(engagement: Engagement, *, viewer: User) -> dict[str, Any]:
    """The export's part: ratings as the viewer may see them, check-ins, and steps."""
    role = role_of(engagement, viewer)
    homework = Homework.objects.filter(engagement=engagement).select_related("reviewed_in")
    pairs = rating_pairs(homework)
    now = timezone.now()
    return {
        "quality": [homework_quality(p, role=role, now=now) for p in pairs.values() if p.client or p.coach],
        "check_ins": engagement_check_ins(engagement),
        "steps": [step(s) for s in Step.objects.filter(source__engagement=engagement).order_by("pk")],
    }


SCHEMAS = {
    "QualityRating": obj(
        {
            "role": enum(Role.values),
            "how_well": {"type": "integer", "minimum": 1, "maximum": 4, "description": "1 not well … 4 very well"},
            "usefulness": {
                "type": "integer",
                "minimum": 1,
                "maximum": 4,
                "description": "1 of little use … 4 very useful",
            },
            "word": STRING,
            "rated_at": DATETIME,
            "updated_at": DATETIME,
        }
    ),
    "HomeworkQuality": obj(
        {
            "homework": INTEGER,
            "revealed": BOOLEAN,
            "waiting_for": array(enum(Role.values)),
            "ratings": array(ref("QualityRating")),
        },
        description="Blind: `ratings` holds only your own until both have rated or the review session has ended",
    ),
    "CheckInScale": obj(
        {
            "id": INTEGER,
            "key": nullable(STRING),
            "question": STRING,
            "low_label": STRING,
            "high_label": STRING,
            "retired_at": nullable(DATETIME),
            "shared_at": nullable(DATETIME),
        }
    ),
    "LibraryCheckInScale": obj(
        {
            "id": INTEGER,
            "question": STRING,
            "low_label": STRING,
            "high_label": STRING,
            "shared_at": nullable(DATETIME),
            "shared_by": nullable(STRING),
        },
        description="A scale a coach may add to an engagement: their own, or shared in their practice "
        "(`shared_by` names the colleague)",
    ),
    "CheckInAnswer": obj({"scale": INTEGER, "session": INTEGER, "value": INTEGER, "answered_at": DATETIME}),
    "CheckIns": obj({"scales": array(ref("CheckInScale")), "answers": array(ref("CheckInAnswer"))}),
    "Step": obj(
        {
            "homework": INTEGER,
            "source": INTEGER,
            "self": STRING,
            "self_kind": STRING,
            "strategy": STRING,
            "created_at": DATETIME,
        }
    ),
}
