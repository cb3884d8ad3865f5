"""The JSON shape of a practice as its admin sees it, for the API: counts, never a client's content.

The same numbers as the admin's page (`roster.py`): each coach's caseload size and activity, and the
practice's follow-through in aggregate. No client is named here at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legwork.coaching.serialise import person
from legwork.lib.shapes import BOOLEAN, DATETIME, INTEGER, STRING, array, enum, iso, nullable, obj, ref

from .models import Membership
from .roster import ACTIVITY_DAYS, FOLLOW_THROUGH_DAYS, FollowThrough

if TYPE_CHECKING:
    from .models import Practice

NUMBER = {"type": "number"}


def follow_through(numbers: FollowThrough) -> dict[str, Any]:
    return {
        "days": FOLLOW_THROUGH_DAYS,
        "reviewed": numbers.reviewed,
        "done": numbers.done,
        "partly": numbers.partly,
        "not_done": numbers.not_done,
        "dropped": numbers.dropped,
        "completion_rate": numbers.completion_rate,
        "clients": numbers.clients,
        "clients_active": numbers.clients_active,
    }


def practice_summary(
    practice: Practice, *, membership: Membership, admins: list[Membership], coaches: int, numbers: FollowThrough | None
) -> dict[str, Any]:
    return {
        "id": practice.pk,
        "name": practice.name,
        "role": membership.role,
        "coaches": coaches,
        "admins": [person(m.user) for m in admins],
        "follow_through": follow_through(numbers) if numbers is not None else None,
    }


def practice_coach(row: Membership) -> dict[str, Any]:
    """One coach of the roster (a `roster()` row, with its counts)."""
    return {
        "id": row.pk,
        "coach": person(row.user),
        "role": row.role,
        "active": row.is_active,
        "joined_at": iso(row.joined_at),
        "clients": row.clients,  # type: ignore[attr-defined]
        "sessions_held": row.sessions_held,  # type: ignore[attr-defined]
        "homework_agreed": row.homework_agreed,  # type: ignore[attr-defined]
        "last_session_at": iso(row.last_session_at),  # type: ignore[attr-defined]
    }


SCHEMAS = {
    "FollowThrough": obj(
        {
            "days": INTEGER,
            "reviewed": INTEGER,
            "done": INTEGER,
            "partly": INTEGER,
            "not_done": INTEGER,
            "dropped": INTEGER,
            "completion_rate": nullable(NUMBER),
            "clients": INTEGER,
            "clients_active": INTEGER,
        },
        description=f"The practice's homework reviewed in the last {FOLLOW_THROUGH_DAYS} days, by outcome; "
        "the completion rate (done of reviewed, dropped left out); current clients, and those who logged "
        "any work in the last 14 days",
    ),
    "Practice": obj(
        {
            "id": INTEGER,
            "name": STRING,
            "role": enum(Membership.Role.values),
            "coaches": INTEGER,
            "admins": array(ref("Person")),
            "follow_through": nullable(ref("FollowThrough")),
        },
        description="Your practice: `follow_through` for its admins only (null for a coach)",
    ),
    "PracticeCoach": obj(
        {
            "id": INTEGER,
            "coach": ref("Person"),
            "role": enum(Membership.Role.values),
            "active": BOOLEAN,
            "joined_at": DATETIME,
            "clients": INTEGER,
            "sessions_held": INTEGER,
            "homework_agreed": INTEGER,
            "last_session_at": nullable(DATETIME),
        },
        description=f"A coach of the practice: current clients, and sessions held and homework agreed in the "
        f"last {ACTIVITY_DAYS} days. Counts only, never a client",
    ),
}
