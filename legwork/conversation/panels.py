"""The conversation's parts of other apps' pages, through `legwork.lib.panels`.

Each runs a fixed number of queries (said in its docstring), whatever the number of messages.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import template
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework
from legwork.insights.models import Reflection
from legwork.lib.panels import panel

from .forms import AcknowledgeForm, KeepForm, MessageForm
from .models import Acknowledgement, Message
from .services import change_is_open

if TYPE_CHECKING:
    from legwork.accounts.models import User

MESSAGES_SHOWN = 200
WAITING_SHOWN = 50
NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def thread_context(user: User, homework: Homework) -> dict[str, Any]:
    """A homework's thread as its coach or client sees it: messages (newest last) and, per progress
    entry, the coach's "seen". Two queries."""
    thread = list(
        Message.objects.filter(homework=homework)
        .select_related("author")
        .order_by("-created_at", "-pk")[:MESSAGES_SHOWN]
    )
    thread.reverse()
    entries = list(homework.progress.select_related("acknowledgement").order_by("-written_at")[:MESSAGES_SHOWN])
    is_coach = homework.engagement.is_coach(user)
    return {
        "homework": homework,
        "thread": thread,
        "entries": entries,
        "is_coach": is_coach,
        "is_client": homework.engagement.is_client(user),
        "change_open": change_is_open(homework),
        "message_form": MessageForm(),
        "keep_form": KeepForm(),
        "acknowledge_form": AcknowledgeForm(),
    }


@panel("homework.thread", "conversation/_thread_panel.html")
def homework_thread(context: template.Context, homework: Homework) -> dict[str, Any] | None:
    """The thread on the homework page: two queries."""
    user = context["request"].user
    return thread_context(user, homework)


@panel("client_home.news", "conversation/_client_home_panel.html", order=60)
def client_home_news(context: template.Context, engagement: Engagement) -> dict[str, Any] | None:
    """The coach's latest words to the client on this interval's homework: one query."""
    latest = list(
        Message.objects.filter(engagement=engagement, homework__outcome="", author_id=engagement.coach_id)
        .select_related("homework")
        .order_by("-created_at", "-pk")[:3]
    )
    if not latest:
        return None
    return {"latest": latest, "engagement": engagement}


def waiting_for_answer(coach: User) -> list[Homework]:
    """Threads on open homework whose last word is the client's, oldest wait first: one query.

    `waiting_since` is the first of the client's messages after the coach last wrote there."""
    last_coach = Subquery(
        Message.objects.filter(homework=OuterRef("homework"), author_id=OuterRef("engagement__coach_id"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    since = (
        Message.objects.filter(homework=OuterRef("pk"), author_id=OuterRef("engagement__client_id"))
        .filter(created_at__gt=Coalesce(last_coach, Value(NEVER)))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    return list(
        Homework.objects.open()
        .filter(engagement__coach=coach, engagement__status=Engagement.Status.ACTIVE)
        .annotate(waiting_since=Subquery(since))
        .filter(waiting_since__isnull=False)
        .select_related("engagement__client")
        .order_by("waiting_since", "pk")[:WAITING_SHOWN]
    )


@panel("coach_home.top", "conversation/_coach_home_panel.html")
def coach_waiting(context: template.Context, subject: Any) -> dict[str, Any] | None:
    """What waits for the coach's answer, oldest first: one query."""
    waiting = waiting_for_answer(context["request"].user)
    return {"waiting": waiting} if waiting else None


@panel("session.side", "conversation/_session_panel.html")
def session_conversation(context: template.Context, session: Session) -> dict[str, Any] | None:
    """For the coach: the engagement's open threads with their last word, and the reflection to mark as
    read. Three queries."""
    user = context["request"].user
    engagement = session.engagement
    if not engagement.is_coach(user):
        return None
    last = list(
        Message.objects.filter(engagement=engagement, homework__outcome="")
        .select_related("homework", "author")
        .order_by("-created_at", "-pk")[:5]
    )
    has_reflection = Reflection.objects.filter(session=session).exists()
    reflection_ack = Acknowledgement.objects.filter(reflection__session=session).first() if has_reflection else None
    return {
        "session": session,
        "last": last,
        "has_reflection": has_reflection,
        "reflection_ack": reflection_ack,
        "acknowledge_form": AcknowledgeForm(),
    }


@panel("reflection.bottom", "conversation/_reflection_panel.html")
def reflection_seen(context: template.Context, session: Session) -> dict[str, Any] | None:
    """The coach's "read", shown to the client under their reflection: one query."""
    ack = Acknowledgement.objects.filter(reflection__session=session).select_related("coach").first()
    return {"ack": ack} if ack else None
