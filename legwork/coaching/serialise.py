"""The JSON shape of people, engagements, goals, sessions and agenda items: one per model.

The API and the exports both call these, so each privacy rule is written once, here:
a session's private notes go to that engagement's coach alone (`viewer` decides).
`SCHEMAS` describes each shape for the OpenAPI document; the API tests hold the two together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legwork.lib.shapes import BOOLEAN, DATE, DATETIME, INTEGER, STRING, enum, iso, nullable, obj, ref

from .models import AgendaItem, Engagement, Goal, Session

if TYPE_CHECKING:
    from legwork.accounts.models import User


def person(user: User) -> dict[str, Any]:
    return {"id": user.pk, "name": user.display_name, "email": user.email}


def engagement(item: Engagement) -> dict[str, Any]:
    return {
        "id": item.pk,
        "status": item.status,
        "coach": person(item.coach),
        "client": person(item.client),
        "started_on": iso(item.started_on),
        "ended_on": iso(item.ended_on),
    }


def goal(item: Goal) -> dict[str, Any]:
    return {
        "id": item.pk,
        "engagement": item.engagement_id,
        "title": item.title,
        "description": item.description,
        "created_at": iso(item.created_at),
        "achieved_at": iso(item.achieved_at),
    }


def session(item: Session, *, viewer: User) -> dict[str, Any]:
    """A session as `viewer` may see it: the private notes only when they are its coach."""
    data: dict[str, Any] = {
        "id": item.pk,
        "engagement": item.engagement_id,
        "scheduled_at": iso(item.scheduled_at),
        "duration_minutes": item.duration_minutes,
        "status": item.status,
        "agenda": item.agenda,
        "shared_notes": item.shared_notes,
        "meeting_url": item.meeting_url,
    }
    if item.engagement.is_coach(viewer):
        data["private_notes"] = item.private_notes
    return data


def agenda_item(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "engagement": item.engagement_id,
        "kind": item.kind,
        "text": item.text,
        "homework": item.homework_id,
        "raised_at": iso(item.raised_at),
        "resolved_at": iso(item.resolved_at),
        "resolved": item.resolved_at is not None,
    }


SCHEMAS = {
    "Person": obj({"id": INTEGER, "name": STRING, "email": STRING}),
    "Engagement": obj(
        {
            "id": INTEGER,
            "status": enum(Engagement.Status.values),
            "coach": ref("Person"),
            "client": ref("Person"),
            "started_on": DATE,
            "ended_on": nullable(DATE),
        }
    ),
    "Goal": obj(
        {
            "id": INTEGER,
            "engagement": INTEGER,
            "title": STRING,
            "description": STRING,
            "created_at": DATETIME,
            "achieved_at": nullable(DATETIME),
        }
    ),
    "Session": obj(
        {
            "id": INTEGER,
            "engagement": INTEGER,
            "scheduled_at": DATETIME,
            "duration_minutes": INTEGER,
            "status": enum(Session.Status.values),
            "agenda": STRING,
            "shared_notes": STRING,
            "meeting_url": STRING,
            "private_notes": {**STRING, "description": "Only for the session's coach; absent for anyone else"},
        },
        optional=["private_notes"],
    ),
    "AgendaItem": obj(
        {
            "id": INTEGER,
            "engagement": INTEGER,
            "kind": enum(AgendaItem.Kind.values),
            "text": STRING,
            "homework": nullable(INTEGER),
            "raised_at": DATETIME,
            "resolved_at": nullable(DATETIME),
            "resolved": BOOLEAN,
        }
    ),
}
