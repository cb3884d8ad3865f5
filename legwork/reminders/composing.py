"""What a due reminder says: one function per kind, filling in its title, link and items as things stand now.

Each returns False when there is nothing to say any more (the session was cancelled,
the homework answered, the block moved): the reminder is then skipped. Titles and
links only, never journal or note bodies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse

from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, ProgressEntry

from .models import Kind, Preferences, Reminder
from .planning import local_moment
from .text import one_line


def _item(title: str, url: str) -> dict[str, str]:
    return {"title": one_line(title), "url": url}


def compose_homework_waiting(reminder: Reminder, now: dt.datetime) -> bool:
    waiting = list(
        Homework.objects.open()
        .filter(
            engagement__client=reminder.recipient,
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


def _upcoming_session(reminder: Reminder) -> Session | None:
    """The reminder's session while it is still to come, at the time the reminder was planned for."""
    session = reminder.session
    if session is None or session.status != Session.Status.SCHEDULED or session.scheduled_at != reminder.expires_at:
        return None
    if session.engagement.status != Engagement.Status.ACTIVE:
        return None
    return session


def _open_homework_items(session: Session) -> list[dict[str, str]]:
    open_homework = Homework.objects.open().filter(engagement=session.engagement).order_by("due_on", "pk")
    return [_item(h.title, h.get_absolute_url()) for h in open_homework]


def compose_midpoint(reminder: Reminder, now: dt.datetime) -> bool:
    session = _upcoming_session(reminder)
    if session is None:
        return False
    engagement = session.engagement
    if ProgressEntry.objects.filter(engagement=engagement, written_at__gte=session.interval_start()).exists():
        return False
    reminder.items = _open_homework_items(session)
    if not reminder.items:
        return False
    when = session.scheduled_at.astimezone(reminder.recipient.zone)
    reminder.title = f"Halfway to your session on {when:%A %-d %B}: one small step?"
    reminder.link = reverse("home")
    return True


def compose_before_session(reminder: Reminder, now: dt.datetime) -> bool:
    session = _upcoming_session(reminder)
    if session is None:
        return False
    reminder.items = _open_homework_items(session)
    when = session.scheduled_at.astimezone(reminder.recipient.zone)
    coach = one_line(session.engagement.coach.display_name)
    reminder.title = f"Your session with {coach} is tomorrow at {when:%H:%M}"
    reminder.link = reverse("reflection_edit", args=[session.pk])
    return True


def compose_thinking_time(reminder: Reminder, now: dt.datetime) -> bool:
    block = reminder.block
    if block is None or not block.active or block.client_id != reminder.recipient_id:
        return False
    if reminder.due_at not in block.occurrences_between(reminder.due_at, reminder.due_at + dt.timedelta(minutes=1)):
        return False  # the block was moved since this was planned; its new times have reminders of their own
    starts = reminder.due_at.astimezone(block.zone)
    reminder.title = f"Your thinking time starts at {starts:%H:%M}"
    reminder.link = reverse("thinking_time")
    return True


def compose_coach_day(reminder: Reminder, now: dt.datetime) -> bool:
    zone = reminder.recipient.zone
    day = reminder.due_at.astimezone(zone).date()
    sessions = list(
        Session.objects.scheduled()
        .filter(
            engagement__coach=reminder.recipient,
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
            f"{s.scheduled_at.astimezone(zone):%H:%M} {s.engagement.client.display_name}",  # one-lined by _item
            reverse("brief", args=[s.pk]),
        )
        for s in sessions
    ]
    reminder.link = reverse("home")
    return True


def compose_homework_answered(reminder: Reminder, now: dt.datetime) -> bool:
    # Its title and link were written when the client answered.
    return reminder.homework is not None and reminder.homework.engagement.coach_id == reminder.recipient_id


def compose_digest(reminder: Reminder, now: dt.datetime) -> bool:
    held = list(Reminder.objects.filter(recipient=reminder.recipient, status=Reminder.Status.HELD).order_by("due_at"))
    if not held:
        return False
    reminder.title = f"Your week in Legwork: {len(held)} reminder{'s' if len(held) > 1 else ''}"
    reminder.items = [_item(h.title, h.link) for h in held]
    reminder.link = reverse("reminders_inbox")
    Reminder.objects.filter(pk__in=[h.pk for h in held]).update(status=Reminder.Status.INBOX, digest=reminder)
    return True


def compose_conversation(reminder: Reminder, now: dt.datetime) -> bool:
    """A thread message or an acknowledgement: its title and link were written when it happened. Still
    the recipient's homework? The words go only to someone who still wants them in emails."""
    engagement = (
        reminder.homework.engagement if reminder.homework else reminder.session.engagement if reminder.session else None
    )
    if engagement is None or reminder.recipient_id not in (engagement.coach_id, engagement.client_id):
        return False
    if reminder.text and not Preferences.objects.filter(user=reminder.recipient, include_message=True).exists():
        reminder.text = ""
    return True


COMPOSERS: dict[str, Callable[[Reminder, dt.datetime], bool]] = {
    Kind.HOMEWORK_WAITING: compose_homework_waiting,
    Kind.MIDPOINT: compose_midpoint,
    Kind.BEFORE_SESSION: compose_before_session,
    Kind.THINKING_TIME: compose_thinking_time,
    Kind.COACH_DAY: compose_coach_day,
    Kind.HOMEWORK_ANSWERED: compose_homework_answered,
    Kind.DIGEST: compose_digest,
    Kind.THREAD: compose_conversation,
    Kind.ACKNOWLEDGED: compose_conversation,
}


def reminder_compose(reminder: Reminder, now: dt.datetime) -> bool:
    """Fill in the reminder's title, link and items as things stand now. False: nothing to say any more."""
    composer = COMPOSERS.get(reminder.kind)
    return composer is not None and composer(reminder, now)
