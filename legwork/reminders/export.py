"""What the reminders app adds to a person's export (called from legwork/exports/contrib.py).

Their reminder preferences and their inbox: titles and states only, as the emails carry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import Preferences, Reminder

if TYPE_CHECKING:
    from legwork.accounts.models import User


def person_reminders(person: User) -> dict[str, Any]:
    saved = Preferences.objects.filter(user=person).first()
    choices = [field.name for field in Preferences._meta.concrete_fields if field.name not in ("id", "user")]
    return {
        "reminder_preferences": {name: getattr(saved, name) for name in choices} if saved else {},
        "inbox": [
            {
                "kind": reminder.kind,
                "title": reminder.title,
                "due_at": reminder.due_at.isoformat(),
                "status": reminder.status,
                "read": reminder.read_at is not None,
            }
            for reminder in Reminder.objects.filter(recipient=person).order_by("due_at")
        ],
    }
