"""Exports and account deletion: a client takes everything of theirs; a coach takes their practice.

What goes in obeys the access rules: a client's export never holds a coach's
private notes; a coach's export never holds a journal entry the client has not
shared with that coach.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, ProgressEntry

from . import contrib

if TYPE_CHECKING:
    from legwork.accounts.models import User

FORMAT_VERSION = 1


def _session(session: Session, *, for_coach: bool) -> dict[str, Any]:
    data = {
        "id": session.pk,
        "scheduled_at": session.scheduled_at.isoformat(),
        "duration_minutes": session.duration_minutes,
        "status": session.status,
        "agenda": session.agenda,
        "shared_notes": session.shared_notes,
        "meeting_url": session.meeting_url,
    }
    if for_coach:
        data["private_notes"] = session.private_notes
    return data


def _progress(entry: ProgressEntry) -> dict[str, Any]:
    return {
        "note": entry.note,
        "minutes": entry.minutes,
        "occurred_on": entry.occurred_on.isoformat(),
        "written_at": entry.written_at.isoformat(),
        "answers": entry.answers,
    }


def _homework(homework: Homework) -> dict[str, Any]:
    return {
        "id": homework.pk,
        "title": homework.title,
        "purpose": homework.purpose,
        "goal": homework.goal.title if homework.goal else None,
        "first_step": homework.first_step,
        "plan_when": homework.plan_when,
        "plan_where": homework.plan_where,
        "due_on": homework.due_on.isoformat(),
        "status": homework.status,
        "agreed_in_session": homework.agreed_in_id,
        "outcome": homework.outcome or None,
        "reason": homework.reason or None,
        "decision": homework.decision or None,
        "outcome_note": homework.outcome_note,
        "carried_from": homework.carried_from_id,
        "progress": [_progress(entry) for entry in homework.progress.all()],
    }


def _engagement(engagement: Engagement, *, for_coach: bool) -> dict[str, Any]:
    homework = (
        Homework.objects.filter(engagement=engagement)
        .select_related("goal")
        .prefetch_related("progress")
        .order_by("created_at")
    )
    return {
        "id": engagement.pk,
        "coach": {"name": engagement.coach.display_name, "email": engagement.coach.email},
        "client": {"name": engagement.client.display_name, "email": engagement.client.email},
        "status": engagement.status,
        "started_on": engagement.started_on.isoformat(),
        "ended_on": engagement.ended_on.isoformat() if engagement.ended_on else None,
        "goals": [{"title": goal.title, "description": goal.description} for goal in engagement.goals.all()],
        "sessions": [_session(s, for_coach=for_coach) for s in engagement.sessions.order_by("scheduled_at")],
        "agenda_items": [
            {
                "kind": item.kind,
                "text": item.text,
                "raised_at": item.raised_at.isoformat(),
                "resolved": bool(item.resolved_at),
            }
            for item in engagement.agenda_items.all()
        ],
        "homework": [_homework(item) for item in homework],
        **contrib.engagement_extras(engagement, for_coach=for_coach),
    }


def client_export(*, client: User) -> dict[str, Any]:
    """Everything of the client's own, machine-readable."""
    engagements = Engagement.objects.filter(client=client).select_related("coach", "client").order_by("pk")
    return {
        "format": "legwork-client-export",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "person": {"name": client.display_name, "email": client.email, "timezone": client.timezone},
        "engagements": [_engagement(engagement, for_coach=False) for engagement in engagements],
        **contrib.client_extras(client),
    }


def coach_export(*, coach: User) -> dict[str, Any]:
    """A coach's practice: their engagements, with only what the coach may see."""
    engagements = Engagement.objects.filter(coach=coach).select_related("coach", "client").order_by("pk")
    return {
        "format": "legwork-practice-export",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "person": {"name": coach.display_name, "email": coach.email, "timezone": coach.timezone},
        "engagements": [_engagement(engagement, for_coach=True) for engagement in engagements],
        **contrib.coach_extras(coach),
    }


def export_archive(*, data: dict[str, Any], title: str) -> bytes:
    """A zip with the JSON and a readable HTML page of the same data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("legwork/export.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("legwork/index.html", render_to_string("exports/archive.html", {"data": data, "title": title}))
    return buffer.getvalue()


def client_account_delete(*, client: User) -> None:
    """Delete the person and everything of theirs; their coaches keep nothing of the engagement."""
    with transaction.atomic():
        client.delete()
