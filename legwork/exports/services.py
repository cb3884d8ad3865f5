"""Exports and account deletion: a client takes everything of theirs; a coach takes their practice.

A person may be both (a coach who is also someone's client): they take both exports,
each with only what that role may see. What goes in obeys the access rules, through
the per-model serialisers the API uses too (`legwork/<app>/serialise.py`): a client's
export never holds a coach's private notes; a coach's export never holds a journal
entry the client has not shared with that coach.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from legwork.coaching import serialise as coaching_json
from legwork.coaching.models import Engagement
from legwork.homework import serialise as homework_json
from legwork.homework.models import Homework
from legwork.notebook.models import EntryDraft, JournalEntry, ThinkingTimeBlock
from legwork.reminders.models import CLIENT_KINDS, Reminder

from . import contrib

if TYPE_CHECKING:
    from legwork.accounts.models import User

# 2: every part is shaped by its model's serialiser, the same as the API's (ids on every object).
FORMAT_VERSION = 2


def _engagement(engagement: Engagement, *, viewer: User) -> dict[str, Any]:
    homework = (
        Homework.objects.filter(engagement=engagement)
        .select_related("goal")
        .prefetch_related("progress")
        .order_by("created_at")
    )
    return {
        **coaching_json.engagement(engagement),
        "goals": [coaching_json.goal(goal) for goal in engagement.goals.all()],
        "sessions": [
            coaching_json.session(session, viewer=viewer) for session in engagement.sessions.order_by("scheduled_at")
        ],
        "agenda_items": [coaching_json.agenda_item(item) for item in engagement.agenda_items.all()],
        "homework": [homework_json.homework(item, progress=list(item.progress.all())) for item in homework],
        **contrib.engagement_extras(engagement, viewer=viewer),
    }


def _person(person: User) -> dict[str, Any]:
    return {**coaching_json.person(person), "timezone": person.timezone}


def is_client(person: User) -> bool:
    """Has the person ever been someone's client (whether or not they coach too)?"""
    return Engagement.objects.filter(client=person).exists() or not person.is_coach


def client_export(*, client: User) -> dict[str, Any]:
    """Everything of the client's own, machine-readable."""
    engagements = Engagement.objects.filter(client=client).select_related("coach", "client").order_by("pk")
    return {
        "format": "legwork-client-export",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "person": _person(client),
        "engagements": [_engagement(engagement, viewer=client) for engagement in engagements],
        **contrib.client_extras(client),
    }


def coach_export(*, coach: User) -> dict[str, Any]:
    """A coach's practice: their engagements, with only what the coach may see."""
    engagements = Engagement.objects.filter(coach=coach).select_related("coach", "client").order_by("pk")
    return {
        "format": "legwork-practice-export",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "person": _person(coach),
        "engagements": [_engagement(engagement, viewer=coach) for engagement in engagements],
        **contrib.coach_extras(coach),
    }


def export_archive(*, data: dict[str, Any], title: str) -> bytes:
    """A zip with the JSON and a readable HTML page of the same data."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("legwork/export.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("legwork/index.html", render_to_string("exports/archive.html", {"data": data, "title": title}))
    return buffer.getvalue()


def client_account_delete(*, client: User) -> bool:
    """Delete everything of the person's as a client. Returns whether the account itself went too.

    A client's account goes with it, and their coaches keep nothing of the engagement.
    A coach who is also a client keeps their account and their practice: their own
    coaching (engagements as client, with their homework, progress, sessions and
    reflections), their notebook, drafts, thinking time and client reminders go. Their
    clients' engagements are those clients' records as much as the coach's, so
    closing a practice is not done from this page.
    """
    with transaction.atomic():
        if not client.is_coach:
            client.delete()
            return True
        Engagement.objects.filter(client=client).delete()
        JournalEntry.objects.filter(client=client).delete()
        EntryDraft.objects.filter(client=client).delete()
        ThinkingTimeBlock.objects.filter(client=client).delete()
        Reminder.objects.filter(recipient=client, kind__in=CLIENT_KINDS).delete()
    return False
