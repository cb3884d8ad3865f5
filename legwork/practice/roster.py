"""What an admin sees of their practice: each coach's caseload size and activity, and the practice's
follow-through in aggregate. Counts only: no client's name beside any content, no content at all.

Each is one query however many coaches and clients the practice has (the tests count them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, Outcome, ProgressEntry
from legwork.lib.queries import count_of

from .models import Membership, Practice

ACTIVITY_DAYS = 30
FOLLOW_THROUGH_DAYS = 90


def roster(practice: Practice, now: dt.datetime | None = None) -> QuerySet[Membership]:
    """The practice's coaches, each with `clients` (current engagements), `sessions_held` and `homework_agreed`
    in the last 30 days, and `last_session_at` (the last session held). One query."""
    since = (now or timezone.now()) - dt.timedelta(days=ACTIVITY_DAYS)
    coach = OuterRef("user_id")
    # Each engagement's latest held session is one step back along its (engagement, status, scheduled_at)
    # index; a MAX over all the coach's sessions would read every session they ever held.
    last_held = Session.objects.filter(engagement=OuterRef("pk"), status=Session.Status.HELD).order_by("-scheduled_at")
    return (
        Membership.objects.filter(practice=practice)
        .select_related("user")
        .annotate(
            clients=count_of(Engagement.objects.current().filter(coach=coach)),
            sessions_held=count_of(
                Session.objects.filter(engagement__coach=coach, status=Session.Status.HELD, scheduled_at__gte=since)
            ),
            homework_agreed=count_of(Homework.objects.filter(engagement__coach=coach, created_at__gte=since)),
            last_session_at=Subquery(
                Engagement.objects.filter(coach=coach)
                .annotate(last=Subquery(last_held.values("scheduled_at")[:1]))
                .order_by()
                .values("coach")
                .annotate(latest=Max("last"))
                .values("latest")[:1]
            ),
        )
        .order_by("deactivated_at", "role", "user__name", "user__email")
    )


@dataclass(frozen=True)
class FollowThrough:
    reviewed: int
    done: int
    partly: int
    not_done: int
    dropped: int
    clients: int
    clients_active: int

    @property
    def completion_rate(self) -> float | None:
        """Done of the reviewed homework, dropped left out: the definition of `insights.metrics.completion`."""
        counted = self.reviewed - self.dropped
        return self.done / counted if counted else None

    @property
    def active_share(self) -> float | None:
        return self.clients_active / self.clients if self.clients else None


def follow_through(practice: Practice, now: dt.datetime | None = None) -> FollowThrough:
    """The practice's follow-through over the last 90 days, summed over every coach. Two queries."""
    now = now or timezone.now()
    outcomes = Homework.objects.filter(
        engagement__coach__membership__practice=practice,
        reviewed_at__gte=now - dt.timedelta(days=FOLLOW_THROUGH_DAYS),
    ).aggregate(
        reviewed=Count("pk", filter=~Q(outcome="")),
        done=Count("pk", filter=Q(outcome=Outcome.DONE)),
        partly=Count("pk", filter=Q(outcome=Outcome.PARTLY)),
        not_done=Count("pk", filter=Q(outcome=Outcome.NOT_DONE)),
        dropped=Count("pk", filter=Q(outcome=Outcome.DROPPED)),
    )
    recent = ProgressEntry.objects.filter(engagement=OuterRef("pk"), written_at__gte=now - dt.timedelta(days=14))
    clients = (
        Engagement.objects.current()
        .filter(coach__membership__practice=practice)
        .aggregate(clients=Count("pk"), clients_active=Count("pk", filter=Exists(recent)))
    )
    return FollowThrough(**outcomes, **clients)
