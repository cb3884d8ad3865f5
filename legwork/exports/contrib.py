"""What the other apps add to an export (notebook, thinking time, exercises, reflections, reminders).

Each app owns the shape of its own part in its `serialise` module, beside the
per-model serialisers the API uses too; this module only gathers them, so the
export reads every app's data through that app's own rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def client_extras(client: User) -> dict[str, Any]:
    from legwork.notebook.serialise import client_notebook
    from legwork.reminders.serialise import person_reminders

    return {**client_notebook(client), **person_reminders(client)}


def coach_extras(coach: User) -> dict[str, Any]:
    from legwork.exercises.serialise import coach_exercises
    from legwork.webhooks.serialise import coach_webhooks

    return {**coach_exercises(coach), **coach_webhooks(coach)}


def engagement_extras(engagement: Engagement, *, viewer: User) -> dict[str, Any]:
    from legwork.conversation.serialise import engagement_conversation
    from legwork.exercises.serialise import engagement_exercises
    from legwork.insights.serialise import engagement_reflections
    from legwork.notebook.serialise import engagement_shared_entries
    from legwork.quality.serialise import engagement_quality

    return {
        **engagement_shared_entries(engagement, viewer=viewer),
        **engagement_exercises(engagement),
        **engagement_reflections(engagement),
        **engagement_conversation(engagement),
        **engagement_quality(engagement, viewer=viewer),
    }
