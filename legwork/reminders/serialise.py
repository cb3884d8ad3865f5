"""The JSON shape of reminder preferences and inbox items (called from legwork/exports/contrib.py).

Titles and states only, as the emails carry: never a journal or note body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legwork.lib.shapes import iso

from .models import Preferences, Reminder

if TYPE_CHECKING:
    from legwork.accounts.models import User


def preferences(item: Preferences) -> dict[str, Any]:
    names = [field.name for field in Preferences._meta.concrete_fields if field.name not in ("id", "user")]
    return {name: getattr(item, name) for name in names}


def reminder(item: Reminder) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": item.title,
        "due_at": iso(item.due_at),
        "status": item.status,
        "read": item.read_at is not None,
    }


def person_reminders(person: User) -> dict[str, Any]:
    saved = Preferences.objects.filter(user=person).first()
    return {
        "reminder_preferences": preferences(saved) if saved else {},
        "inbox": [reminder(item) for item in Reminder.objects.filter(recipient=person).order_by("due_at")],
    }
