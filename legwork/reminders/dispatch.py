"""Settling due reminders: for each, send (outbox rows), inbox only, the digest, later, or not at all.

This is the one place that decides whether a reminder goes out. Going out means one outbox row per
channel the person chose: the email, and a push notification to each device they turned push on
for (legwork/reminders/push.py). Both channels share the decision below: the same quiet hours, the
same daily slot (a reminder sent on two channels takes one), the same digest.

The calm daily limit is a set of slots per person and local day (`DailyEmail`), each
claimed by inserting its unique row in the transaction that queues the email, so no
number of workers can send anyone more than their limit. The slots go to the most
useful reminders of the day (`PRIORITY`): a reminder waits while one that ranks above it
is planned for later the same day and would need the last slot, and goes to the inbox
if that one took it. Quiet hours hold back every kind; a reminder that would only be
emailed after it stopped mattering goes to the inbox at once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from .composing import reminder_compose
from .models import DailyEmail, Kind, OutboxMessage, Preferences, PushSubscription, Reminder
from .outbox import render_outbox
from .planning import local_moment, preferences_map
from .push import render_push

if TYPE_CHECKING:
    from legwork.accounts.models import User

# Who gets the day's email slots first: the day before a session (write your reflection), the coach's day,
# the midpoint nudge, new homework waiting, a client's answer, thinking time. The digest needs no slot.
PRIORITY = [
    # A question only the client can answer, about who coaches them: first.
    Kind.HANDOVER,
    Kind.BEFORE_SESSION,
    Kind.COACH_DAY,
    Kind.MIDPOINT,
    Kind.HOMEWORK_WAITING,
    Kind.HOMEWORK_ANSWERED,
    Kind.THINKING_TIME,
]
RANK = {kind.value: rank for rank, kind in enumerate(PRIORITY)}
# A reminder making way for a higher one comes due again this long after it, when that one is settled.
MAKE_WAY = dt.timedelta(minutes=1)


def _rank(reminder: Reminder) -> int:
    return RANK.get(reminder.kind, len(PRIORITY))


def _quiet_until(prefs: Preferences, local_now: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    day = local_now.date()
    if local_now.hour >= prefs.quiet_until:
        day += dt.timedelta(days=1)
    return local_moment(day, prefs.quiet_until, zone)


class _Day:
    """The day's email slots of the people in one batch, and what is still planned for them today."""

    def __init__(self, reminders: list[Reminder], prefs: dict[int, Preferences], now: dt.datetime) -> None:
        self.now = now
        self.prefs = prefs
        people = {r.recipient_id: r.recipient for r in reminders}
        self.today = {pk: now.astimezone(person.zone).date() for pk, person in people.items()}
        self.used: dict[int, int] = defaultdict(int)
        for user_id, day in DailyEmail.objects.filter(user_id__in=people, day__in=set(self.today.values())).values_list(
            "user_id", "day"
        ):
            if self.today[user_id] == day:
                self.used[user_id] += 1
        self.planned: dict[int, list[Reminder]] = defaultdict(list)
        later = Reminder.objects.filter(
            recipient_id__in=people, status=Reminder.Status.PENDING, due_at__lt=now + dt.timedelta(days=1, hours=2)
        ).exclude(pk__in=[r.pk for r in reminders])
        for other in later.only("pk", "recipient_id", "kind", "due_at"):
            self.planned[other.recipient_id].append(other)

    def end_of_day(self, user: User) -> dt.datetime:
        return local_moment(self.today[user.pk] + dt.timedelta(days=1), 0, user.zone)

    def outranked_by(self, reminder: Reminder, prefs: Preferences) -> list[Reminder]:
        """Reminders that rank above this one, planned for later today at an hour they can be emailed."""
        user = reminder.recipient
        end = self.end_of_day(user)
        return [
            other
            for other in self.planned[user.pk]
            if _rank(other) < _rank(reminder)
            and other.due_at < end
            and prefs.wants(other.kind)
            and not prefs.is_quiet(other.due_at.astimezone(user.zone).hour)
        ]

    def claim_slot(self, reminder: Reminder, limit: int) -> bool:
        """Take the person's next free slot for today; False when all `limit` are taken (by anyone)."""
        user_id = reminder.recipient_id
        for slot in range(self.used[user_id], limit):
            # Unique (user, day, slot): a worker racing for the same slot waits for ours, then finds it taken.
            _, created = DailyEmail.objects.get_or_create(
                user_id=user_id, day=self.today[user_id], slot=slot, defaults={"reminder": reminder}
            )
            self.used[user_id] = slot + 1
            if created:
                return True
        return False


def _postpone(reminder: Reminder, until: dt.datetime) -> None:
    reminder.due_at = until
    reminder.save(update_fields=["due_at"])


def _decide(
    reminder: Reminder, prefs: Preferences, day: _Day, now: dt.datetime, devices: list[PushSubscription]
) -> list[OutboxMessage]:
    """Settle one due reminder. Returns its outbox rows (email, push to each device), if it is to be sent."""
    Status = Reminder.Status
    recipient = reminder.recipient
    if not prefs.wants(reminder.kind):
        reminder.set_status(Status.SKIPPED)
        return []
    devices = devices if prefs.push_on else []
    sendable = (prefs.email_on or bool(devices)) and not (
        reminder.expires_at is not None and now >= reminder.expires_at
    )
    local_now = now.astimezone(recipient.zone)
    if sendable and prefs.is_quiet(local_now.hour):
        until = _quiet_until(prefs, local_now, recipient.zone)
        if reminder.expires_at is None or until < reminder.expires_at:
            _postpone(reminder, until)
            return []
        sendable = False  # by the end of the quiet hours it no longer matters: the inbox only, now
    limit = prefs.emails_per_day
    capped = sendable and limit and reminder.kind != Kind.DIGEST and not prefs.weekly_digest
    if capped:
        higher = day.outranked_by(reminder, prefs)
        if higher and len(higher) >= limit - day.used[recipient.pk]:
            _postpone(reminder, max([now, *(other.due_at for other in higher)]) + MAKE_WAY)
            return []
    if not reminder_compose(reminder, now):
        reminder.set_status(Status.SKIPPED)
        return []
    if not sendable:
        reminder.set_status(Status.INBOX)
        return []
    if prefs.weekly_digest and reminder.kind != Kind.DIGEST:
        reminder.set_status(Status.HELD)
        return []
    if capped and not day.claim_slot(reminder, limit):
        reminder.set_status(Status.INBOX)
        return []
    reminder.set_status(Status.QUEUED)
    rows = [render_outbox(reminder)] if prefs.email_on else []
    return rows + [render_push(reminder, device) for device in devices]


def _devices(prefs: dict[int, Preferences]) -> dict[int, list[PushSubscription]]:
    """The active push devices of the people in the batch who turned push on: one query, or none."""
    wanting = [pk for pk, p in prefs.items() if p.push_on]
    found: dict[int, list[PushSubscription]] = defaultdict(list)
    if wanting:
        for device in PushSubscription.objects.active().filter(user_id__in=wanting).order_by("pk"):
            found[device.user_id].append(device)
    return found


def reminders_dispatch(*, now: dt.datetime | None = None, batch: int = 200) -> int:
    """Settle up to `batch` due reminders in one transaction: send (outbox rows), inbox, digest or skip.

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
        day = _Day(reminders, prefs, now)
        # The most useful first: of a person's reminders due together, the higher one takes the slot.
        reminders.sort(key=lambda r: (_rank(r), r.due_at, r.pk))
        devices = _devices(prefs)
        outbox = [
            message
            for r in reminders
            for message in _decide(r, prefs[r.recipient_id], day, now, devices.get(r.recipient_id, []))
        ]
        OutboxMessage.objects.bulk_create(outbox, batch_size=500)
    return len(reminders)
