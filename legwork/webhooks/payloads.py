"""What a webhook is told: ids, titles, dates, outcomes and links; never the words anyone wrote.

Like the emails, a payload carries no body: no progress note or exercise answers, no
reflection answers, no change request or outcome note, no journal entry (shared or not),
no session notes. A coach's webhook gets the titles and links of their own engagements'
homework; a practice's webhook (for its admins) gets ids, dates and outcomes only, the
counts-only view an admin has of their coaches' work. See docs/webhooks.md.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse

from legwork.lib.shapes import iso

if TYPE_CHECKING:
    from legwork.coaching.models import Engagement, Session
    from legwork.homework.models import Homework, ProgressEntry
    from legwork.insights.models import Reflection


def _link(path: str) -> str:
    return settings.SITE_ROOT + path


def _homework(item: Homework, *, for_practice: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.pk,
        "due_on": iso(item.due_on),
        "status": item.status,
        "confirmed_at": iso(item.confirmed_at),
        "agreed_in": item.agreed_in_id,
    }
    if not for_practice:
        data["title"] = item.title
        data["url"] = _link(item.get_absolute_url())
    return data


def _session(item: Session, *, for_practice: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.pk, "scheduled_at": iso(item.scheduled_at)}
    if not for_practice:
        data["url"] = _link(item.get_absolute_url())
    return data


def _about(engagement: Engagement, *, for_practice: bool) -> dict[str, Any]:
    """Whose event it is: ids only (a name is the client's; the coach's integration knows its ids)."""
    data: dict[str, Any] = {"engagement": engagement.pk, "client": engagement.client_id}
    if for_practice:
        data["coach"] = engagement.coach_id
    else:
        data["engagement_url"] = _link(engagement.get_absolute_url())
    return data


def homework_agreed(homework: Homework, *, for_practice: bool) -> dict[str, Any]:
    return {
        **_about(homework.engagement, for_practice=for_practice),
        "homework": _homework(homework, for_practice=for_practice),
    }


def progress_logged(entry: ProgressEntry, *, for_practice: bool) -> dict[str, Any]:
    homework = entry.homework
    progress: dict[str, Any] = {
        "id": entry.pk,
        "occurred_on": iso(entry.occurred_on),
        "written_at": iso(entry.written_at),
    }
    if not for_practice:
        progress["minutes"] = entry.minutes
        progress["url"] = _link(homework.get_absolute_url())
    return {
        **_about(homework.engagement, for_practice=for_practice),
        "homework": _homework(homework, for_practice=for_practice),
        "progress": progress,
    }


def reflection_written(reflection: Reflection, *, for_practice: bool) -> dict[str, Any]:
    session = reflection.session
    data: dict[str, Any] = {"created_at": iso(reflection.created_at), "updated_at": iso(reflection.updated_at)}
    if not for_practice:
        data["url"] = _link(reverse("brief", args=[session.pk]))
    return {
        **_about(session.engagement, for_practice=for_practice),
        "session": _session(session, for_practice=for_practice),
        "reflection": data,
    }


def homework_reviewed(homework: Homework, session: Session | None, *, for_practice: bool) -> dict[str, Any]:
    review: dict[str, Any] = {"outcome": homework.outcome or None, "reviewed_at": iso(homework.reviewed_at)}
    if not for_practice:
        # The reason and decision are choices from a list (no words of anyone's); the outcome note stays out.
        review["reason"] = homework.reason or None
        review["decision"] = homework.decision or None
    return {
        **_about(homework.engagement, for_practice=for_practice),
        "homework": _homework(homework, for_practice=for_practice),
        "session": _session(session, for_practice=for_practice) if session is not None else None,
        "review": review,
    }


def ping() -> dict[str, Any]:
    return {"message": "A test event from Legwork: your endpoint is reachable and can check the signature."}


def envelope(*, delivery_id: str, event: str, created_at: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": delivery_id, "event": event, "created_at": created_at, "data": data}


def body(payload: dict[str, Any]) -> bytes:
    """The bytes POSTed and signed: the same on every try of a delivery."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
