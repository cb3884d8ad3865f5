"""Reminders: what to tell whom and when, the outbox of emails, preferences and calendar feeds.

A `Reminder` is one thing to tell one person at a due time; it also is that person's
inbox item. When it is due the worker decides (preferences, quiet hours, the calm
daily limit, the weekly digest) whether it is emailed; an email is an `OutboxMessage`
row with a unique idempotency key and a Message-ID derived from it, claimed with a
lease, sent, then marked sent. See docs/reminders.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from legwork.accounts.models import User


class Kind(models.TextChoices):
    HOMEWORK_WAITING = "homework_waiting", "New homework waiting for your “I'm in”"
    MIDPOINT = "midpoint", "A nudge at the midpoint when nothing has moved"
    BEFORE_SESSION = "before_session", "The day before a session, to write your reflection"
    THINKING_TIME = "thinking_time", "When a thinking-time block starts"
    COACH_DAY = "coach_day", "On a session day: the day's sessions and their briefs"
    HOMEWORK_ANSWERED = "homework_answered", "When a client says “I'm in” or asks for a change"
    DIGEST = "digest", "The weekly digest"
    # A practice's admin proposes a new coach: the client is asked (legwork/practice).
    HANDOVER = "handover", "When your practice proposes a new coach"
    # The conversation around the homework (legwork.conversation): a new message in a thread, and the
    # coach's "seen" on a progress entry or a reflection.
    THREAD = "thread", "A new message in a homework's thread"
    ACKNOWLEDGED = "acknowledged", "When your coach marks your work as seen"


CLIENT_KINDS = [Kind.HOMEWORK_WAITING, Kind.MIDPOINT, Kind.BEFORE_SESSION, Kind.THINKING_TIME]
COACH_KINDS = [Kind.COACH_DAY, Kind.HOMEWORK_ANSWERED]


class Preferences(models.Model):
    """How one person wants to be reminded. Calm by default: at most one reminder a day."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences")
    email_on = models.BooleanField("send me emails", default=True)
    # A second channel beside (or instead of) email; the same quiet hours, daily limit and digest decide.
    push_on = models.BooleanField(
        "send notifications to my devices",
        default=False,
        help_text="Turn them on for each phone or browser on Your devices. "
        "They keep the same quiet hours and daily limit as emails.",
    )
    homework_waiting = models.BooleanField(Kind.HOMEWORK_WAITING.label, default=True)
    midpoint = models.BooleanField(Kind.MIDPOINT.label, default=True)
    before_session = models.BooleanField(Kind.BEFORE_SESSION.label, default=True)
    thinking_time = models.BooleanField(Kind.THINKING_TIME.label, default=True)
    coach_day = models.BooleanField(Kind.COACH_DAY.label, default=True)
    homework_answered = models.BooleanField(Kind.HOMEWORK_ANSWERED.label, default=True)
    hour = models.PositiveSmallIntegerField(
        "hour for reminders", default=8, help_text="Reminders for the day go out at this hour, in your time zone."
    )
    quiet_from = models.PositiveSmallIntegerField("quiet hours from", default=21)
    quiet_until = models.PositiveSmallIntegerField("quiet hours until", default=7)
    # Named when email was the only channel; it counts reminders sent, by email, push or both (one slot each).
    emails_per_day = models.PositiveSmallIntegerField(
        "reminders a day at most",
        default=1,
        choices=[(1, "One (calm)"), (3, "Three"), (0, "No limit")],
        help_text="Emails and notifications together: a reminder sent both ways counts once. "
        "The rest wait in your inbox here.",
    )
    weekly_digest = models.BooleanField(
        "one weekly digest instead of single emails", default=False, help_text="Sent on Mondays at your hour."
    )
    # Threads: an email says who wrote on which homework, with a link; the words only when asked for.
    include_message = models.BooleanField(
        "include the message in emails",
        default=False,
        help_text="Off: thread emails carry a link only, and the message stays in Legwork.",
    )

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user}"

    def wants(self, kind: str) -> bool:
        if kind == Kind.DIGEST:
            return self.weekly_digest
        return bool(getattr(self, kind, True))

    def is_quiet(self, local_hour: int) -> bool:
        if self.quiet_from == self.quiet_until:
            return False
        if self.quiet_from < self.quiet_until:
            return self.quiet_from <= local_hour < self.quiet_until
        return local_hour >= self.quiet_from or local_hour < self.quiet_until


def preferences_for(user: User) -> Preferences:
    prefs, _ = Preferences.objects.get_or_create(user=user)
    return prefs


class ReminderQuerySet(models.QuerySet["Reminder"]):
    def due(self, now: dt.datetime) -> ReminderQuerySet:
        return self.filter(status=Reminder.Status.PENDING, due_at__lte=now)

    def in_inbox(self) -> ReminderQuerySet:
        """What the person has been told, by email or here, newest first."""
        return self.filter(status__in=Reminder.INBOX_STATUSES).order_by("-due_at", "-pk")

    def visible_to(self, user: User) -> ReminderQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)


class Reminder(models.Model):
    """One thing to tell one person at a due time; once due, an item of their inbox."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        QUEUED = "queued", "Being sent"
        SENT = "sent", "Sent"
        INBOX = "inbox", "Here only"
        HELD = "held", "For the weekly digest"
        FAILED = "failed", "Could not be sent"
        SKIPPED = "skipped", "No longer needed"

    INBOX_STATUSES = (Status.QUEUED, Status.SENT, Status.INBOX, Status.HELD, Status.FAILED)

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_at = models.DateTimeField()
    # After this moment an email is pointless (the session began, the block ended): inbox only.
    expires_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # One reminder per occasion however often the planner runs, e.g. "before_session:42:202603281730".
    dedupe_key = models.CharField(max_length=120, unique=True)
    session = models.ForeignKey("coaching.Session", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    homework = models.ForeignKey("homework.Homework", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    block = models.ForeignKey(
        "notebook.ThinkingTimeBlock", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Filled when due: titles and links only, never journal or note bodies.
    title = models.CharField(max_length=300, blank=True)
    link = models.CharField(max_length=300, blank=True)
    items = models.JSONField(default=list, blank=True)
    # Threads only: the message itself, kept only when the recipient turned on "include the message in
    # emails", and the signed address a reply by email goes to.
    text = models.TextField(blank=True)
    reply_to = models.CharField(max_length=300, blank=True)
    digest = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="digested")
    error = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["recipient", "status", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} at {self.due_at:%Y-%m-%d %H:%M}"

    def set_status(self, status: str, *, error: str = "") -> None:
        self.status = status
        self.error = error[:300]
        self.save(update_fields=["status", "error", "title", "link", "items", "text"])

    def mark_read(self) -> None:
        if self.read_at is None:
            self.read_at = timezone.now()
            self.save(update_fields=["read_at"])


def message_id_for(idempotency_key: str) -> str:
    """The same key always gives the same Message-ID, so a resend after a crash is recognisably the same email."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    host = urlsplit(settings.SITE_ROOT).hostname or "legwork.invalid"
    return f"<{digest}@{host}>"


class PushSubscriptionQuerySet(models.QuerySet["PushSubscription"]):
    def active(self) -> PushSubscriptionQuerySet:
        return self.filter(revoked_at__isnull=True, dropped_at__isnull=True)

    def visible_to(self, user: User) -> PushSubscriptionQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class PushSubscription(models.Model):
    """One browser's push subscription for one person: where its push service takes notifications for it.

    The endpoint and keys come from the browser's `pushManager.subscribe`; the keys encrypt each
    payload so the push service cannot read it. Turned off by the person (`revoked_at`), or dropped
    when the push service says the subscription is gone (404/410, `dropped_at`); kept for the list.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    device = models.CharField(max_length=100, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    # The sign-in it was turned on in: signing out there turns it off, so a shared browser stops being told.
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)

    objects = PushSubscriptionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at", "dropped_at"])]

    def __str__(self) -> str:
        return f"Push to {self.device or 'a browser'} for user {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.dropped_at is None


class OutboxQuerySet(models.QuerySet["OutboxMessage"]):
    def claimable(self, now: dt.datetime, channel: str | None = None) -> OutboxQuerySet:
        """Waiting and due, or claimed by a worker whose lease ran out (it crashed or hung); of one channel if given."""
        waiting = Q(status=OutboxMessage.Status.WAITING, next_attempt_at__lte=now)
        abandoned = Q(status=OutboxMessage.Status.SENDING, lease_until__lt=now)
        rows = self.filter(waiting | abandoned)
        return rows if channel is None else rows.filter(channel=channel)


class OutboxMessage(models.Model):
    """One email or push notification to send, rendered when its reminder fell due. Claimed with a lease, sent,
    then marked sent. A reminder has one row per channel it goes out on: the email, and one per push device."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        PUSH = "push", "Push notification"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    idempotency_key = models.CharField(max_length=120, unique=True)
    message_id = models.CharField(max_length=200)
    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="outbox")
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    # Push only: the device it goes to (`to` is then empty, `subject` the title, `text` the JSON payload).
    push_subscription = models.ForeignKey(
        PushSubscription, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to = models.EmailField(blank=True)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField()
    headers = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=64, blank=True, db_index=True)
    failures = models.PositiveSmallIntegerField(default=0)
    # When the first of the current run of temporary failures happened: retried until it is RETRY_FOR old.
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["to", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"


class DailyEmail(models.Model):
    """One of a person's email slots for one local day, claimed by the email that takes it.

    The unique (person, day, slot) row is the daily cap: a worker that wants to email someone
    inserts the next free slot in the same transaction that queues the email; two workers can
    never both get the same slot, whatever their timing, on SQLite and PostgreSQL alike.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    slot = models.PositiveSmallIntegerField()
    reminder = models.ForeignKey(Reminder, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day", "slot"], name="one_email_per_daily_slot")]

    def __str__(self) -> str:
        return f"Email {self.slot + 1} of {self.day} for user {self.user_id}"


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A person's secret calendar feed. Only a hash of the token is kept: the URL is shown once, when made."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    show_titles = models.BooleanField(
        "show titles in my calendar",
        default=False,
        help_text="Off: events say only “Coaching session”, “Homework due”, “Thinking time”.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    def set_new_token(self) -> str:
        """A fresh 256-bit token; the old URL stops working once this is saved."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_feed_token(token)
        self.created_at = timezone.now()
        return token

    def matches(self, token: str) -> bool:
        return hmac.compare_digest(self.token_hash, hash_feed_token(token))
