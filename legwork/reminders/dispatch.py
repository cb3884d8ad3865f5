"""Settling due reminders: for each, email (an outbox row), inbox only, the digest, later, or not at all."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from .composing import reminder_compose
from .models import Kind, OutboxMessage, Preferences, Reminder
from .outbox import render_outbox
from .planning import local_moment, preferences_map

if TYPE_CHECKING:
    from legwork.accounts.models import User

# Kinds that come at a time the person chose; quiet hours hold back only the others.
CHOSEN_TIME_KINDS = {Kind.BEFORE_SESSION, Kind.MIDPOINT, Kind.COACH_DAY, Kind.THINKING_TIME, Kind.DIGEST}


def _quiet_until(prefs: Preferences, local_now: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    day = local_now.date()
    if local_now.hour >= prefs.quiet_until:
        day += dt.timedelta(days=1)
    return local_moment(day, prefs.quiet_until, zone)


class _Calm:
    """How many emails each person has been sent since their local midnight, kept up to date within a batch."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.counts: dict[int, int] = {}

    def sent_today(self, user: User) -> int:
        if user.pk not in self.counts:
            midnight = local_moment(self.now.astimezone(user.zone).date(), 0, user.zone)
            self.counts[user.pk] = OutboxMessage.objects.filter(to=user.email, created_at__gte=midnight).count()
        return self.counts[user.pk]

    def add(self, user: User) -> None:
        self.counts[user.pk] = self.sent_today(user) + 1


def _decide(reminder: Reminder, prefs: Preferences, calm: _Calm, now: dt.datetime) -> OutboxMessage | None:
    """Settle one due reminder. Returns the email to send, if it is to be emailed."""
    Status = Reminder.Status
    recipient = reminder.recipient
    if not prefs.wants(reminder.kind):
        reminder.set_status(Status.SKIPPED)
        return None
    local_now = now.astimezone(recipient.zone)
    if reminder.kind not in CHOSEN_TIME_KINDS and prefs.email_on and prefs.is_quiet(local_now.hour):
        reminder.due_at = _quiet_until(prefs, local_now, recipient.zone)
        reminder.save(update_fields=["due_at"])
        return None
    if not reminder_compose(reminder, now):
        reminder.set_status(Status.SKIPPED)
        return None
    if not prefs.email_on or (reminder.expires_at is not None and now >= reminder.expires_at):
        reminder.set_status(Status.INBOX)
        return None
    if prefs.weekly_digest and reminder.kind != Kind.DIGEST:
        reminder.set_status(Status.HELD)
        return None
    limit = prefs.emails_per_day
    if limit and reminder.kind != Kind.DIGEST and calm.sent_today(recipient) >= limit:
        reminder.set_status(Status.INBOX)
        return None
    calm.add(recipient)
    reminder.set_status(Status.QUEUED)
    return render_outbox(reminder)


def reminders_dispatch(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Settle up to `batch` due reminders in one transaction: email (an outbox row), inbox, digest or skip.

    Rows are locked with SKIP LOCKED on PostgreSQL, so several workers share the work;
    on SQLite the IMMEDIATE transaction makes workers take turns. Returns how many were settled.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = Reminder.objects.due(now).order_by("due_at", "pk")
        if connection.vendor == "postgresql":
            due = due.select_for_update(skip_locked=True, of=("self",))
        reminders = list(
            due.select_related("recipient", "session__engagement__coach", "homework__engagement", "block")[:batch]
        )
        if not reminders:
            return 0
        prefs = preferences_map(r.recipient_id for r in reminders)
        calm = _Calm(now)
        outbox = [message for r in reminders if (message := _decide(r, prefs[r.recipient_id], calm, now)) is not None]
        OutboxMessage.objects.bulk_create(outbox, batch_size=500)
    return len(reminders)
