"""The coach's caseload: every current client with what the coach's pages show about them.

One query, whatever the number of clients, used by the coach home, the overview and the API.
It lives with the loop, not in coaching, because it counts homework.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from legwork.coaching.models import AgendaItem, Engagement, Session

from .models import Homework, ProgressEntry

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import EngagementQuerySet


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


def caseload(coach: User, *, now: dt.datetime | None = None) -> EngagementQuerySet:
    """Every active and paused client of a coach, with what the coach's pages show, in one query:

    `next_session_at`, `next_session_id`, `open_homework`, `awaiting_client` (proposals waiting for
    "I'm in"), `change_asked`, `last_activity` (the latest progress entry written), `has_to_explore`
    and `interval_start` (where the current interval began, `Engagement.current_interval_start`).
    Sorted active first, then by next session and name; callers may sort it their own way.
    """
    next_session = Session.objects.scheduled().filter(engagement=OuterRef("pk")).order_by("scheduled_at")
    return (
        Engagement.objects.filter(coach=coach)
        .current()
        .with_interval_start(now)
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
