"""Planning reminders: the rows for what lies ahead, made once per occasion.

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
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework
from legwork.notebook.models import ThinkingTimeBlock
from legwork.practice.models import Handover

from .models import Kind, Preferences, Reminder
from .text import one_line

if TYPE_CHECKING:
    from legwork.accounts.models import User

PLAN_AHEAD = dt.timedelta(days=30)
THINKING_AHEAD = dt.timedelta(days=2)
# A block is planned again once less than this is left of its horizon: about once a day per block.
THINKING_REPLAN = dt.timedelta(days=1)
INSERT_BATCH = 500
MIN_INTERVAL_FOR_NUDGE = dt.timedelta(days=4)
# Event reminders wait a moment so that a wrap-up's several homework make one email.
GATHER = dt.timedelta(minutes=2)


def local_moment(day: dt.date, hour: int, zone: zoneinfo.ZoneInfo, minute: int = 0) -> dt.datetime:
    """`hour`:`minute` on `day` in `zone`, as aware UTC (see the module docstring for DST gaps and overlaps)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone).astimezone(dt.UTC)


def preferences_map(user_ids: Iterable[int]) -> dict[int, Preferences]:
    """Each person's preferences; the calm defaults (unsaved) for anyone who never set them."""
    ids = set(user_ids)
    found = {prefs.user_id: prefs for prefs in Preferences.objects.filter(user_id__in=ids)}
    return {pk: found.get(pk) or Preferences(user_id=pk) for pk in ids}


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
    start = session.interval_start()
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


def reminders_replan_hour(*, prefs: Preferences, now: dt.datetime | None = None) -> None:
    """Move the reminders already planned at the person's hour to their new hour, on the same local day."""
    now = now or timezone.now()
    zone = prefs.user.zone
    planned = Reminder.objects.filter(
        recipient_id=prefs.user_id,
        status=Reminder.Status.PENDING,
        kind__in=[Kind.BEFORE_SESSION, Kind.MIDPOINT, Kind.COACH_DAY, Kind.DIGEST],
        due_at__gt=now,
    )
    for reminder in planned:
        reminder.due_at = local_moment(reminder.due_at.astimezone(zone).date(), prefs.hour, zone)
        reminder.save(update_fields=["due_at"])


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
    client, what = one_line(engagement.client.display_name), one_line(homework.title)
    if homework.status == Homework.Status.CONFIRMED:
        title = f"{client} is in: “{what}”"
    else:
        title = f"{client} asks to change “{what}”"
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient=engagement.coach,
                kind=Kind.HOMEWORK_ANSWERED,
                homework=homework,
                due_at=now,
                title=one_line(title),
                link=homework.get_absolute_url(),
                dedupe_key=f"homework_answered:{homework.pk}:{homework.status}:{now:%Y%m%d%H%M%S%f}",
            )
        ],
        ignore_conflicts=True,
    )


def reminder_handover(*, handover: Handover, now: dt.datetime | None = None) -> None:
    """Ask the client about a proposed new coach: names and a link only, in their inbox and by email."""
    title = f"{one_line(handover.to_coach.display_name)} as your coach? Your practice asks"
    Reminder.objects.bulk_create(
        [
            Reminder(
                recipient_id=handover.engagement.client_id,
                kind=Kind.HANDOVER,
                due_at=now or timezone.now(),
                title=one_line(title),
                link=handover.get_absolute_url(),
                dedupe_key=f"handover:{handover.pk}",
            )
        ],
        ignore_conflicts=True,
    )
