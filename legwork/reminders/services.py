"""Planning reminders and deciding, when one falls due, whether it is emailed.

Times are planned in the recipient's own wall-clock time: "08:00 the day before"
is 08:00 in their zone whatever the offset that day. An hour that does not exist
(the spring-forward gap) is read with the offset from before the change, so it
happens once, an hour later on the clock; an hour that happens twice (the
fall-back overlap) is the first of the two. Each occasion has a dedupe key with
the local date in it, so planning again never makes a second reminder.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, ProgressEntry
from legwork.lib.emails import build_email

from .models import CalendarFeed, Kind, OutboxMessage, Preferences, Reminder, message_id_for

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.notebook.models import ThinkingTimeBlock

PLAN_AHEAD = dt.timedelta(days=30)
THINKING_AHEAD = dt.timedelta(days=2)
# A block is planned again once less than this is left of its horizon: about once a day per block.
THINKING_REPLAN = dt.timedelta(days=1)
INSERT_BATCH = 500
MIN_INTERVAL_FOR_NUDGE = dt.timedelta(days=4)
# Event reminders wait a moment so that a wrap-up's several homework make one email.
GATHER = dt.timedelta(minutes=2)
# Kinds that come at a time the person chose; quiet hours hold back only the others.
CHOSEN_TIME_KINDS = {Kind.BEFORE_SESSION, Kind.MIDPOINT, Kind.COACH_DAY, Kind.THINKING_TIME, Kind.DIGEST}

EMAIL_TEMPLATES = {
    Kind.HOMEWORK_WAITING: "reminder-homework-waiting",
    Kind.MIDPOINT: "nudge-midpoint",
    Kind.BEFORE_SESSION: "reminder-before-session",
    Kind.THINKING_TIME: "reminder-thinking-time",
    Kind.COACH_DAY: "coach_day",
    Kind.HOMEWORK_ANSWERED: "coach_homework-answered",
    Kind.DIGEST: "digest-weekly",
}


def local_moment(day: dt.date, hour: int, zone: zoneinfo.ZoneInfo, minute: int = 0) -> dt.datetime:
    """`hour`:`minute` on `day` in `zone`, as aware UTC (see the module docstring for DST gaps and overlaps)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)


def url_or(name: str, args: list[Any], fallback: str, fallback_args: list[Any] | None = None) -> str:
    """A path for `name`, or for `fallback` while the page it names does not exist yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return reverse(fallback, args=fallback_args if fallback_args is not None else args)


def preferences_map(user_ids: Iterable[int]) -> dict[int, Preferences]:
    """Each person's preferences; the calm defaults (unsaved) for anyone who never set them."""
    ids = set(user_ids)
    found = {prefs.user_id: prefs for prefs in Preferences.objects.filter(user_id__in=ids)}
    return {pk: found.get(pk) or Preferences(user_id=pk) for pk in ids}


# --- Planning -------------------------------------------------------------------------


def _session_reminders(session: Session, prefs: dict[int, Preferences], now: dt.datetime) -> list[Reminder]:
    engagement = session.engagement
    client, coach = engagement.client, engagement.coach
    rows = []
    stamp = f"{session.scheduled_at:%Y%m%d%H%M}"
    client_zone, coach_zone = client.zone, coach.zone
    before_day = session.scheduled_at.astimezone(client_zone).date() - dt.timedelta(days=1)
    rows.append(
        Reminder(
            recipient=client,
            kind=Kind.BEFORE_SESSION,
            session=session,
            due_at=local_moment(before_day, prefs[client.pk].hour, client_zone),
            expires_at=session.scheduled_at,
            dedupe_key=f"before_session:{session.pk}:{stamp}",
        )
    )
    coach_day = session.scheduled_at.astimezone(coach_zone).date()
    rows.append(
        Reminder(
            recipient=coach,
            kind=Kind.COACH_DAY,
            due_at=local_moment(coach_day, prefs[coach.pk].hour, coach_zone),
            expires_at=local_moment(coach_day + dt.timedelta(days=1), 0, coach_zone),
            dedupe_key=f"coach_day:{coach.pk}:{coach_day:%Y%m%d}",
        )
    )
    previous = session.previous()
    start = previous.ends_at if previous is not None else engagement.created_at
    if session.scheduled_at - start >= MIN_INTERVAL_FOR_NUDGE:
        midpoint = start + (session.scheduled_at - start) / 2
        mid_day = midpoint.astimezone(client_zone).date()
        rows.append(
            Reminder(
                recipient=client,
                kind=Kind.MIDPOINT,
                session=session,
                due_at=local_moment(mid_day, prefs[client.pk].hour, client_zone),
                expires_at=session.scheduled_at,
                dedupe_key=f"midpoint:{session.pk}:{stamp}",
            )
        )
    return rows


def _thinking_reminders(block: ThinkingTimeBlock, now: dt.datetime) -> list[Reminder]:
    return [
        Reminder(
            recipient_id=block.client_id,
            kind=Kind.THINKING_TIME,
            block=block,
            due_at=start,
            expires_at=start + dt.timedelta(minutes=block.duration_minutes),
            dedupe_key=f"thinking_time:{block.pk}:{start:%Y%m%dT%H%MZ}",
        )
        for start in block.occurrences_between(now, now + THINKING_AHEAD)
    ]


def _digest_reminder(prefs: Preferences, now: dt.datetime) -> Reminder:
    zone = prefs.user.zone
    today = now.astimezone(zone).date()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7)
    due = local_moment(monday, prefs.hour, zone)
    if due < now:
        monday += dt.timedelta(days=7)
        due = local_moment(monday, prefs.hour, zone)
    return Reminder(
        recipient_id=prefs.user_id,
        kind=Kind.DIGEST,
        due_at=due,
        dedupe_key=f"digest:{prefs.user_id}:{monday:%Y%m%d}",
    )


def reminders_plan(*, now: dt.datetime | None = None, sessions: Iterable[Session] | None = None) -> int:
    """Make the reminders for what lies ahead (sessions, thinking time, digests). Safe to run any number of times.

    The worker runs this every minute, so each pass reads only what is not planned yet: sessions
    without their reminders, thinking-time blocks whose planned horizon runs short, digest readers
    without next Monday's digest. Its cost follows what changed, not the size of the practice.
    Returns how many new reminders were made.
    """
    from legwork.notebook.models import ThinkingTimeBlock

    now = now or timezone.now()
    if sessions is None:
        # A session's reminders are made together, so one that has its "day before" reminder is planned already.
        planned = Reminder.objects.filter(
            session=OuterRef("pk"), kind=Kind.BEFORE_SESSION, expires_at=OuterRef("scheduled_at")
        )
        sessions = (
            Session.objects.scheduled()
            .filter(
                ~Exists(planned),
                scheduled_at__gte=now,
                scheduled_at__lt=now + PLAN_AHEAD,
                engagement__status=Engagement.Status.ACTIVE,
            )
            .select_related("engagement__client", "engagement__coach")
        )
    sessions = list(sessions)
    people = {s.engagement.client_id for s in sessions} | {s.engagement.coach_id for s in sessions}
    prefs = preferences_map(people)
    rows: list[Reminder] = []
    for session in sessions:
        rows += _session_reminders(session, prefs, now)
    horizon = now + THINKING_AHEAD
    blocks = list(
        ThinkingTimeBlock.objects.active().filter(
            Q(reminders_planned_until__isnull=True) | Q(reminders_planned_until__lt=horizon - THINKING_REPLAN)
        )
    )
    for block in blocks:
        rows += _thinking_reminders(block, now)
    next_digest = Reminder.objects.filter(recipient=OuterRef("user"), kind=Kind.DIGEST, due_at__gte=now)
    for digest_prefs in Preferences.objects.filter(~Exists(next_digest), weekly_digest=True).select_related("user"):
        rows.append(_digest_reminder(digest_prefs, now))
    with transaction.atomic():
        made = _insert_new(rows)
        # Move each block's horizon only if it is still the one read above: an edit meanwhile cleared
        # it, and that block must be planned again from its new times. Blocks planned in the same
        # pass share a horizon, so this is a handful of UPDATEs, not one per block.
        read: dict[dt.datetime | None, list[int]] = {}
        for block in blocks:
            read.setdefault(block.reminders_planned_until, []).append(block.pk)
        for planned_until, pks in read.items():
            for start in range(0, len(pks), INSERT_BATCH):
                ThinkingTimeBlock.objects.filter(
                    pk__in=pks[start : start + INSERT_BATCH], reminders_planned_until=planned_until
                ).update(reminders_planned_until=horizon)
    return made


def _insert_new(rows: list[Reminder]) -> int:
    """Insert the reminders not made yet (their dedupe key is unique); returns how many were new."""
    made = 0
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start : start + INSERT_BATCH]
        keys = Reminder.objects.filter(dedupe_key__in=[row.dedupe_key for row in batch])
        before = keys.count()
        Reminder.objects.bulk_create(batch, ignore_conflicts=True)
        made += keys.count() - before
    return made


def reminder_homework_waiting(*, homework: Homework, now: dt.datetime | None = None) -> None:
    """Tell the client new homework waits for their "I'm in" (one email gathers a wrap-up's several)."""
    now = now or timezone.now()
    client = homework.engagement.client
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient=client,
                kind=Kind.HOMEWORK_WAITING,
                due_at=now + GATHER,
                dedupe_key=f"homework_waiting:{client.pk}:{now:%Y%m%d%H}",
            )
        ],
        ignore_conflicts=True,
    )


def reminder_homework_answered(*, homework: Homework, by: User, now: dt.datetime | None = None) -> None:
    """Tell the coach the client said "I'm in" or asked for a change (title only: never the client's note)."""
    now = now or timezone.now()
    engagement = homework.engagement
    if homework.status == Homework.Status.CONFIRMED:
        title = f"{engagement.client.display_name} is in: “{homework.title}”"
    else:
        title = f"{engagement.client.display_name} asks to change “{homework.title}”"
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient=engagement.coach,
                kind=Kind.HOMEWORK_ANSWERED,
                homework=homework,
                due_at=now,
                title=title[:300],
                link=homework.get_absolute_url(),
                dedupe_key=f"homework_answered:{homework.pk}:{homework.status}:{now:%Y%m%d%H%M%S%f}",
            )
        ],
        ignore_conflicts=True,
    )


# --- What a due reminder says -----------------------------------------------------------


def _item(title: str, url: str) -> dict[str, str]:
    return {"title": title, "url": url}


def _compose(reminder: Reminder, now: dt.datetime) -> bool:
    """Fill in the reminder's title, link and items as things stand now. False: nothing to say any more."""
    recipient = reminder.recipient
    zone = recipient.zone
    kind = reminder.kind
    if kind == Kind.HOMEWORK_WAITING:
        waiting = list(
            Homework.objects.open()
            .filter(
                engagement__client=recipient,
                engagement__status=Engagement.Status.ACTIVE,
                status=Homework.Status.PROPOSED,
            )
            .order_by("due_on", "pk")
        )
        if not waiting:
            return False
        count = len(waiting)
        reminder.title = f"{count} homework waiting for your “I'm in”" if count > 1 else "New homework for you"
        reminder.items = [_item(h.title, h.get_absolute_url()) for h in waiting]
        reminder.link = reverse("home")
        return True
    if kind in (Kind.MIDPOINT, Kind.BEFORE_SESSION):
        session = reminder.session
        if session is None or session.status != Session.Status.SCHEDULED or session.scheduled_at != reminder.expires_at:
            return False
        engagement = session.engagement
        if engagement.status != Engagement.Status.ACTIVE:
            return False
        open_homework = list(Homework.objects.open().filter(engagement=engagement).order_by("due_on", "pk"))
        reminder.items = [_item(h.title, h.get_absolute_url()) for h in open_homework]
        when = session.scheduled_at.astimezone(zone)
        if kind == Kind.MIDPOINT:
            previous = session.previous()
            start = previous.ends_at if previous is not None else engagement.created_at
            moved = ProgressEntry.objects.filter(engagement=engagement, written_at__gte=start).exists()
            if moved or not open_homework:
                return False
            reminder.title = f"Halfway to your session on {when:%A %-d %B}: one small step?"
            reminder.link = reverse("home")
        else:
            reminder.title = f"Your session with {engagement.coach.display_name} is tomorrow at {when:%H:%M}"
            reminder.link = url_or("reflection_edit", [session.pk], "session")
        return True
    if kind == Kind.THINKING_TIME:
        block = reminder.block
        if block is None or not block.active or block.client_id != recipient.pk:
            return False
        if reminder.due_at not in block.occurrences_between(reminder.due_at, reminder.due_at + dt.timedelta(minutes=1)):
            return False  # the block was moved since this was planned; its new times have reminders of their own
        starts = reminder.due_at.astimezone(block.zone)
        reminder.title = f"Your thinking time starts at {starts:%H:%M}"
        reminder.link = url_or("thinking_time", [], "home")
        return True
    if kind == Kind.COACH_DAY:
        day = reminder.due_at.astimezone(zone).date()
        sessions = list(
            Session.objects.scheduled()
            .filter(
                engagement__coach=recipient,
                engagement__status=Engagement.Status.ACTIVE,
                scheduled_at__gte=local_moment(day, 0, zone),
                scheduled_at__lt=local_moment(day + dt.timedelta(days=1), 0, zone),
            )
            .select_related("engagement__client")
            .order_by("scheduled_at")
        )
        if not sessions:
            return False
        count = len(sessions)
        reminder.title = f"Today: {count} session{'s' if count > 1 else ''}"
        reminder.items = [
            _item(
                f"{s.scheduled_at.astimezone(zone):%H:%M} {s.engagement.client.display_name}",
                url_or("brief", [s.pk], "session"),
            )
            for s in sessions
        ]
        reminder.link = reverse("home")
        return True
    if kind == Kind.HOMEWORK_ANSWERED:
        return reminder.homework is not None and reminder.homework.engagement.coach_id == recipient.pk
    if kind == Kind.DIGEST:
        held = list(Reminder.objects.filter(recipient=recipient, status=Reminder.Status.HELD).order_by("due_at"))
        if not held:
            return False
        reminder.title = f"Your week in Legwork: {len(held)} reminder{'s' if len(held) > 1 else ''}"
        reminder.items = [_item(h.title, h.link) for h in held]
        reminder.link = reverse("reminders_inbox")
        Reminder.objects.filter(pk__in=[h.pk for h in held]).update(status=Reminder.Status.INBOX, digest=reminder)
        return True
    return False


# --- Deciding: email, inbox only, later, or not at all ---------------------------------------


def unsubscribe_token(user: User) -> str:
    """A short signed token naming the person, for the one-click unsubscribe link (works without signing in)."""
    return signing.Signer(salt="reminders.unsubscribe").sign(str(user.pk))


def user_for_unsubscribe_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt="reminders.unsubscribe").unsign(token))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def render_outbox(reminder: Reminder) -> OutboxMessage:
    """The email for a reminder, rendered from its template trio, ready to be claimed and sent."""
    recipient = reminder.recipient
    key = f"reminder:{reminder.pk}"
    message_id = message_id_for(key)
    unsubscribe_url = settings.SITE_ROOT + reverse("reminders_unsubscribe", args=[unsubscribe_token(recipient)])
    headers = {
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    context = {
        "reminder": reminder,
        "recipient": recipient,
        "items": reminder.items,
        "link": settings.SITE_ROOT + reminder.link if reminder.link else settings.SITE_ROOT,
        "preferences_url": settings.SITE_ROOT + reverse("reminders_preferences"),
        "inbox_url": settings.SITE_ROOT + reverse("reminders_inbox"),
        "unsubscribe_url": unsubscribe_url,
    }
    email = build_email(EMAIL_TEMPLATES[Kind(reminder.kind)], recipient.email, context, headers)
    html = email.alternatives[0][0] if email.alternatives else ""
    return OutboxMessage(
        idempotency_key=key,
        message_id=message_id,
        reminder=reminder,
        to=recipient.email,
        subject=email.subject[:300],
        text=str(email.body),
        html=str(html),
        headers=headers,
    )


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
    if not _compose(reminder, now):
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


def preferences_save(*, prefs: Preferences, old_hour: int) -> None:
    """Save preferences; reminders already planned at the old hour move to the new one, on the same local day."""
    with transaction.atomic():
        prefs.save()
        if prefs.hour == old_hour:
            return
        user = prefs.user
        zone = user.zone
        planned = Reminder.objects.filter(
            recipient=user,
            status=Reminder.Status.PENDING,
            kind__in=[Kind.BEFORE_SESSION, Kind.MIDPOINT, Kind.COACH_DAY, Kind.DIGEST],
            due_at__gt=timezone.now(),
        )
        for reminder in planned:
            reminder.due_at = local_moment(reminder.due_at.astimezone(zone).date(), prefs.hour, zone)
            reminder.save(update_fields=["due_at"])


# --- Calendar feeds ---------------------------------------------------------------------


def feed_regenerate(*, user: User) -> str:
    """Give the person a new secret feed URL token; any old URL stops working at once. Returns the token."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first() or CalendarFeed(user=user)
        token = feed.set_new_token()
        feed.save()
    return token
