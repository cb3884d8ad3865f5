"""The coach's caseload: every current client with what the coach's pages show about them.

One query, whatever the number of clients, used by the coach home, the overview and the API.
It lives with the loop, not in coaching, because it counts homework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from legwork.coaching.models import AgendaItem, Engagement, Session

from .models import Homework, ProgressEntry

if TYPE_CHECKING:
    from legwork.accounts.models import User


def _open_homework_count(**filters: object) -> Coalesce:
    """How many open homework of the outer engagement match: a count served by the (engagement, outcome) index.

    A Count() over the "homework" join would group every homework the coach ever
    agreed, so the page would slow down as engagements grow old.
    """
    rows = (
        Homework.objects.open()
        .filter(engagement=OuterRef("pk"), **filters)
        .order_by()
        .values("engagement")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def coach_clients(coach: User) -> list[Engagement]:
    """Every active and paused client of a coach, with what the coach home shows, in a fixed number of queries."""
    next_session = Session.objects.scheduled().filter(engagement=OuterRef("pk")).order_by("scheduled_at")
    return list(
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
