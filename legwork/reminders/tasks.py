"""Jobs the worker runs through Django's tasks API (stored by django-tasks-db)."""

from __future__ import annotations

from django.tasks import task

from legwork.coaching.models import Session

from .planning import reminders_plan


@task()
def plan_session_reminders(session_id: int) -> int:
    """Plan the reminders for a newly scheduled session at once, not at the worker's next planning round."""
    sessions = (
        Session.objects.scheduled().filter(pk=session_id).select_related("engagement__client", "engagement__coach")
    )
    return reminders_plan(sessions=sessions)
