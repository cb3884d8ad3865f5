"""The gates of the conversation: 404 to anyone who is not the engagement's coach or client.

A thread is reached through its homework, so its gate is the homework's; an acknowledgement
through the progress entry or the session (its reflection) it is about.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from legwork.coaching.access import get_session_for_user, int_pk
from legwork.homework.access import get_homework_for_user
from legwork.homework.models import ProgressEntry
from legwork.insights.models import Reflection

if TYPE_CHECKING:
    from legwork.accounts.models import User

__all__ = ["get_homework_for_user", "get_progress_entry_for_user", "get_reflection_for_user"]


def get_progress_entry_for_user(user: User, pk: object) -> ProgressEntry:
    entry = (
        ProgressEntry.objects.visible_to(user)
        .select_related("homework__engagement__coach", "homework__engagement__client")
        .filter(pk=int_pk(pk))
        .first()
    )
    if entry is None:
        raise Http404("No such progress entry.")
    return entry


def get_reflection_for_user(user: User, session_pk: object) -> Reflection:
    """The reflection written for a session the person may see; 404 when there is none yet."""
    session = get_session_for_user(user, session_pk)
    reflection = Reflection.objects.filter(session=session).select_related("session").first()
    if reflection is None:
        raise Http404("No reflection for this session.")
    reflection.session = session  # the gate's select_related (engagement, coach, client) kept
    return reflection
