from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from legwork.lib.dates import CEILING, FLOOR, validate_date_window

if TYPE_CHECKING:
    from legwork.accounts.models import User

INVITATION_LIFETIME = dt.timedelta(days=14)


class EngagementQuerySet(models.QuerySet["Engagement"]):
    def visible_to(self, user: User) -> EngagementQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(coach=user) | Q(client=user))

    def active(self) -> EngagementQuerySet:
        return self.filter(status=Engagement.Status.ACTIVE)

    def current(self) -> EngagementQuerySet:
        """Active or paused: the engagements still running (ended ones are history)."""
        return self.exclude(status=Engagement.Status.ENDED)

    def with_interval_start(self, now: dt.datetime | None = None) -> EngagementQuerySet:
        """Annotate `interval_start`: where each engagement's current interval began, in the same query.

        The same definition as `Engagement.current_interval_start`, written as a subquery for lists.
        """
        last = (
            Session.objects.taking_place()
            .filter(engagement=OuterRef("pk"), scheduled_at__lte=now or timezone.now())
            .order_by("-scheduled_at")
            .values("scheduled_at")[:1]
        )
        return self.annotate(interval_start=Coalesce(Subquery(last), F("created_at")))


class Engagement(models.Model):
    """One coaching relationship: one coach, one client, its goals and sessions."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_engagements")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="client_engagements")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField(default=timezone.localdate, validators=[validate_date_window])
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EngagementQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "client"],
                condition=~Q(status="ended"),
                name="one_open_engagement_per_pair",
            )
        ]
        indexes = [models.Index(fields=["coach", "status"]), models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"{self.client} with {self.coach}"

    def get_absolute_url(self) -> str:
        return reverse("engagement", args=[self.pk])

    def is_coach(self, user: User) -> bool:
        return self.coach_id == user.pk

    def is_client(self, user: User) -> bool:
        return self.client_id == user.pk

    def next_session(self) -> Session | None:
        return self.sessions.filter(status=Session.Status.SCHEDULED).order_by("scheduled_at").first()

    def interval_start_after(self, previous: Session | None, *, until: dt.datetime) -> dt.datetime:
        """Where an interval that runs to `until` began: the start of `previous`, the last session before it
        that took place; for the first interval, when the engagement began. No query."""
        if previous is not None:
            return previous.scheduled_at
        return min(self.created_at, until)

    def current_interval_start(self, now: dt.datetime | None = None) -> dt.datetime:
        """Where the interval running now began: at the start of the last session that took place
        (held, or scheduled and due; cancelled and missed ones end no interval), else when the
        engagement began. It runs to the next session. See "interval" in docs/loop.md."""
        last = (
            Session.objects.taking_place()
            .filter(engagement_id=self.pk, scheduled_at__lte=now or timezone.now())
            .order_by("-scheduled_at")
            .only("scheduled_at")
            .first()
        )
        return last.scheduled_at if last is not None else self.created_at

    def last_held_session(self) -> Session | None:
        return self.sessions.filter(status=Session.Status.HELD).order_by("-scheduled_at").first()

    def set_status(self, status: str) -> None:
        self.status = status
        self.ended_on = timezone.localdate() if status == self.Status.ENDED else None
        self.save(update_fields=["status", "ended_on"])


class Goal(models.Model):
    """Where the client wants to be."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    achieved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


# Sessions that did not happen end no interval: the homework runs on to the next one that does.
NOT_TAKING_PLACE = ["cancelled", "missed"]


class SessionQuerySet(models.QuerySet["Session"]):
    def visible_to(self, user: User) -> SessionQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(engagement__coach=user) | Q(engagement__client=user))

    def scheduled(self) -> SessionQuerySet:
        return self.filter(status=Session.Status.SCHEDULED)

    def taking_place(self) -> SessionQuerySet:
        """Sessions that bound an interval: held, or still to come. Cancelled and missed ones do not."""
        return self.exclude(status__in=NOT_TAKING_PLACE)

    def with_previous_start(self) -> SessionQuerySet:
        """Annotate `previous_at`: when `Session.previous` began (None for the first), in the same query,
        so `Session.previous_start` needs none: for a page that shows the interval up to its sessions."""
        earlier = (
            Session.objects.taking_place()
            # Strictly earlier, so never the session itself (an exclude on pk would only cost building).
            .filter(engagement_id=OuterRef("engagement_id"), scheduled_at__lt=OuterRef("scheduled_at"))
            .order_by("-scheduled_at")
            .values("scheduled_at")[:1]
        )
        return self.annotate(previous_at=Subquery(earlier))


class Session(models.Model):
    """One meeting: scheduled, then held, cancelled or missed."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        MISSED = "missed", "Missed"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="sessions")
    scheduled_at = models.DateTimeField(validators=[validate_date_window])
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    agenda = models.TextField(blank=True, max_length=5000)
    shared_notes = models.TextField(blank=True, max_length=20000)
    # Visible to the coach alone: never rendered for the client, never exported to them.
    private_notes = models.TextField(blank=True, max_length=20000)
    meeting_url = models.URLField(blank=True, max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_at"]
        indexes = [
            models.Index(fields=["engagement", "status", "scheduled_at"]),
            # The worker's planning pass asks for every session still to come in the next weeks.
            models.Index(fields=["scheduled_at"], condition=Q(status="scheduled"), name="session_to_come_by_time"),
        ]

    def __str__(self) -> str:
        return f"Session on {timezone.localtime(self.scheduled_at):%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("session", args=[self.pk])

    @property
    def ends_at(self) -> dt.datetime:
        return self.scheduled_at + dt.timedelta(minutes=self.duration_minutes)

    def has_started(self, now: dt.datetime | None = None) -> bool:
        """Whether the session's start time has come: from then it can be reviewed and wrapped up,
        and its reflection is closed. Its scheduled time, not its status, decides."""
        return self.scheduled_at <= (now or timezone.now())

    def previous(self) -> Session | None:
        """The session that began this one's interval: the last one before it that took place."""
        return (
            Session.objects.taking_place()
            .filter(engagement_id=self.engagement_id, scheduled_at__lt=self.scheduled_at)
            .exclude(pk=self.pk)
            .order_by("-scheduled_at")
            .first()
        )

    def previous_start(self) -> dt.datetime | None:
        """When `previous` began, None for the first session: no query when loaded `with_previous_start`."""
        if hasattr(self, "previous_at"):
            loaded: dt.datetime | None = self.previous_at
            return loaded
        previous = self.previous()
        return previous.scheduled_at if previous is not None else None

    def interval_start(self, previous: Session | None = None) -> dt.datetime:
        """Where the interval that ends at this session began (see "interval" in docs/loop.md).

        From the start of the previous session that took place; for the first session,
        from when the engagement began. Cancelled and missed sessions end no interval.
        Pass `previous` when it is already known, to save the query.
        """
        previous = previous if previous is not None else self.previous()
        return self.engagement.interval_start_after(previous, until=self.scheduled_at)

    def following(self) -> Session | None:
        """The next scheduled session after this one, if it has been set."""
        return (
            Session.objects.scheduled()
            .filter(engagement_id=self.engagement_id, scheduled_at__gt=self.scheduled_at)
            .order_by("scheduled_at")
            .first()
        )

    def suggested_next_at(self, now: dt.datetime | None = None) -> dt.datetime:
        """Same weekday and wall-clock time for the coach, two weeks on (a week at a time later, if that has passed).

        Counted in the coach's zone, so 17:30 stays 17:30 when the clocks change in between.
        """
        now = now or timezone.now()
        zone = self.engagement.coach.zone
        if not FLOOR <= self.scheduled_at.date() <= CEILING:
            # Stored before dates were range-checked: suggest from now instead of overflowing.
            return (now.astimezone(zone) + dt.timedelta(days=14)).astimezone(dt.UTC)
        suggestion = self.scheduled_at.astimezone(zone) + dt.timedelta(days=14)
        if suggestion <= now:
            # Whole weeks at a time; aware arithmetic keeps the coach's wall-clock time.
            suggestion += dt.timedelta(days=7 * ((now - suggestion).days // 7 + 1))
        while suggestion <= now:
            suggestion += dt.timedelta(days=7)
        return suggestion.astimezone(dt.UTC)

    def mark(self, status: str) -> None:
        self.status = status
        self.save(update_fields=["status"])


class AgendaItemQuerySet(models.QuerySet["AgendaItem"]):
    def open(self) -> AgendaItemQuerySet:
        return self.filter(resolved_at__isnull=True)


class AgendaItem(models.Model):
    """A point for the next session; "to explore" ones are raised by the review rules."""

    class Kind(models.TextChoices):
        TO_EXPLORE = "to_explore", "To explore"
        TOPIC = "topic", "Topic"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="agenda_items")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.TOPIC)
    text = models.CharField(max_length=300)
    homework = models.ForeignKey(
        "homework.Homework", null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda_items"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at"]
        indexes = [
            # "Is anything open for this engagement?" is asked for every client on the coach's pages.
            models.Index(
                fields=["engagement", "kind"], condition=Q(resolved_at__isnull=True), name="agenda_open_by_engagement"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def resolve(self) -> None:
        self.resolved_at = timezone.now()
        self.save(update_fields=["resolved_at"])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self, now: dt.datetime | None = None) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A single-use, expiring link by which a client joins a coach.

    Only a hash of the token is stored: the link is shown once, when made.
    """

    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    engagement = models.ForeignKey(Engagement, null=True, blank=True, on_delete=models.SET_NULL)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    def set_token(self, token: str) -> None:
        self.token_hash = hash_token(token)
        self.expires_at = timezone.now() + INVITATION_LIFETIME

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
