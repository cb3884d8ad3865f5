"""The conversation's parts of other apps' pages, through `legwork.lib.panels`.

Each runs a fixed number of queries (said in its docstring), whatever the number of messages.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import template
from django.db.models import F

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
    """The coach's latest words to the client on this interval's homework: one query, of the four values
    the panel shows (whole messages and homework took the ORM twice as long to build)."""
    latest = list(
        Message.objects.filter(engagement=engagement, homework__outcome="", author_id=engagement.coach_id)
        .order_by("-created_at", "-pk")
        .values("homework_id", "created_at", "kind", homework_title=F("homework__title"))[:3]
    )
    if not latest:
        return None
    return {"latest": latest, "engagement": engagement}


def waiting_for_answer(coach: User) -> list[Homework]:
    """Threads on open homework whose last word is the client's, oldest wait first: one query, and one
    more for the homework when something waits.

    `waiting_since` is the first of the client's messages after the coach last wrote there. The
    messages of open threads are read as plain values and walked here: one join, where a subquery
    per homework (the coach's last word, then the client's first after it) cost a millisecond or
    more of the ORM's compiling on every coach home, for a thread that is usually quiet."""
    since: dict[int, dt.datetime] = {}
    for homework_id, author_id, created_at, coach_id, client_id in (
        Message.objects.filter(
            homework__outcome="", engagement__coach=coach, engagement__status=Engagement.Status.ACTIVE
        )
        .order_by("created_at", "pk")
        .values_list("homework_id", "author_id", "created_at", "engagement__coach_id", "engagement__client_id")
    ):
        if author_id == coach_id:
            since.pop(homework_id, None)
        elif author_id == client_id and homework_id not in since:
            since[homework_id] = created_at
    if not since:
        return []
    waiting = sorted(since, key=lambda pk: (since[pk], pk))[:WAITING_SHOWN]
    loaded = Homework.objects.select_related("engagement__client").in_bulk(waiting)
    for pk in waiting:
        loaded[pk].waiting_since = since[pk]  # type: ignore[attr-defined]
    return [loaded[pk] for pk in waiting]


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
