"""What the other apps add to an export (notebook, thinking time, exercises, reflections, reminders).

Each app owns the shape of its own part; this module only gathers them, so the
export reads every app's data through that app's own rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def client_extras(client: User) -> dict[str, Any]:
    from legwork.notebook.export import client_notebook
    from legwork.reminders.models import Preferences, Reminder

    saved = Preferences.objects.filter(user=client).first()
    choices = [field.name for field in Preferences._meta.concrete_fields if field.name not in ("id", "user")]
    preferences = {name: getattr(saved, name) for name in choices} if saved else {}
    return {
        **client_notebook(client),
        "reminder_preferences": preferences,
        "inbox": [
            {
                "kind": reminder.kind,
                "title": reminder.title,
                "due_at": reminder.due_at.isoformat(),
                "status": reminder.status,
                "read": reminder.read_at is not None,
            }
            for reminder in Reminder.objects.filter(recipient=client).order_by("due_at")
        ],
    }


def coach_extras(coach: User) -> dict[str, Any]:
    from legwork.exercises.export import coach_exercises

    return coach_exercises(coach)


def engagement_extras(engagement: Engagement, *, for_coach: bool) -> dict[str, Any]:
    from legwork.exercises.export import engagement_exercises
    from legwork.insights.models import Reflection
    from legwork.notebook.export import engagement_shared_entries

    reflections = Reflection.objects.filter(session__engagement=engagement).select_related("session")
    return {
        **engagement_shared_entries(engagement, for_coach=for_coach),
        **engagement_exercises(engagement),
        "reflections": [
            {
                "session_id": reflection.session_id,
                "session_at": reflection.session.scheduled_at.isoformat(),
                "what_i_did": reflection.what_i_did,
                "what_i_learned": reflection.what_i_learned,
                "what_got_in_the_way": reflection.what_got_in_the_way,
                "what_i_want_next": reflection.what_i_want_next,
                "updated_at": reflection.updated_at.isoformat(),
            }
            for reflection in reflections.order_by("session__scheduled_at")
        ],
    }
