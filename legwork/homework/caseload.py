"""The coach's caseload: every current client with what the coach's pages show about them.

One query, whatever the number of clients, used by the coach home, the overview and the API.
It lives with the loop, not in coaching, because it counts homework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Subquery

from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.lib.queries import count_of

from .models import Homework, ProgressEntry

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import EngagementQuerySet


def _open_homework_count(**filters: object) -> Subquery:
    """How many open homework of the outer engagement match: a count served by the (engagement, outcome) index.

    A Count() over the "homework" join would group every homework the coach ever
    agreed, so the page would slow down as engagements grow old.
    """
    return count_of(Homework.objects.open().filter(engagement=OuterRef("pk"), **filters))


def caseload(coach: User) -> EngagementQuerySet:
    """Every active and paused client of a coach, with what the coach's pages show, in one query:

    `next_session_at`, `next_session_id`, `open_homework`, `awaiting_client` (proposals waiting for
    "I'm in"), `change_asked`, `last_activity` (the latest progress entry written) and `has_to_explore`.
    Sorted active first, then by next session and name; callers may sort it their own way, and add
    what only they show (the overview: `with_interval_start`), since every annotation costs each page
    that asks for it the building and compiling of its subquery.
    """
    next_session = Session.objects.scheduled().filter(engagement=OuterRef("pk")).order_by("scheduled_at")
    return (
        Engagement.objects.filter(coach=coach)
        .current()
        .select_related("client")
        .annotate(
            next_session_at=Subquery(next_session.values("scheduled_at")[:1]),
            next_session_id=Subquery(next_session.values("pk")[:1]),
            open_homework=_open_homework_count(),
            awaiting_client=_open_homework_count(status=Homework.Status.PROPOSED),
            change_asked=_open_homework_count(status=Homework.Status.CHANGE_REQUESTED),
            last_activity=Subquery(
                ProgressEntry.objects.filter(engagement=OuterRef("pk")).order_by("-written_at").values("written_at")[:1]
            ),
            has_to_explore=Exists(
                AgendaItem.objects.open().filter(engagement=OuterRef("pk"), kind=AgendaItem.Kind.TO_EXPLORE)
            ),
        )
        .order_by("status", "next_session_at", "client__name")
    )
