"""Calendar feeds (iCalendar) of a person's sessions, homework due dates and thinking-time blocks.

Minimal detail unless the person chose titles; never journal entries, notes or
anything written about a session. Thinking time is one recurring event per block,
with the block's RRULE and a VTIMEZONE, so 09:00 stays 09:00 local across DST.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from legwork.coaching.models import Session
from legwork.homework.models import Homework

from .text import one_line

if TYPE_CHECKING:
    from legwork.accounts.models import User

PAST = dt.timedelta(days=90)
FUTURE = dt.timedelta(days=366)


def _uid(kind: str, pk: object) -> str:
    host = urlsplit(settings.SITE_ROOT).hostname or "legwork.invalid"
    return f"{kind}-{pk}@{host}"


def _event(uid: str, summary: str, stamp: dt.datetime, url: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", one_line(summary, 200))
    event.add("url", settings.SITE_ROOT + url)
    return event


def feed_calendar(user: User, *, show_titles: bool, now: dt.datetime | None = None) -> bytes:
    """The person's feed as iCalendar bytes: their own sessions, homework and thinking time only."""
    from legwork.notebook.models import ThinkingTimeBlock

    now = now or timezone.now()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Legwork//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Legwork")

    mine = Q(engagement__coach=user) | Q(engagement__client=user)
    sessions = (
        Session.objects.filter(mine, scheduled_at__gte=now - PAST, scheduled_at__lt=now + FUTURE)
        .exclude(status=Session.Status.CANCELLED)
        .select_related("engagement__coach", "engagement__client")
        .order_by("scheduled_at")
    )
    for session in sessions:
        engagement = session.engagement
        other = engagement.client if engagement.coach_id == user.pk else engagement.coach
        summary = f"Coaching session with {other.display_name}" if show_titles else "Coaching session"
        event = _event(_uid("session", session.pk), summary, now, session.get_absolute_url())
        event.add("dtstart", session.scheduled_at.astimezone(dt.UTC))
        event.add("dtend", session.ends_at.astimezone(dt.UTC))
        if session.status != Session.Status.SCHEDULED:
            event.add("status", "CANCELLED" if session.status == Session.Status.MISSED else "CONFIRMED")
        calendar.add_component(event)

    homework = (
        Homework.objects.open()
        .filter(mine, due_on__gte=(now - PAST).date())
        .exclude(engagement__status="ended")
        .order_by("due_on", "pk")
    )
    for item in homework:
        summary = f"Homework due: {item.title}" if show_titles else "Homework due"
        event = _event(_uid("homework", item.pk), summary, now, item.get_absolute_url())
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)

    for block in ThinkingTimeBlock.objects.active().filter(client=user).order_by("pk"):
        zone = block.zone
        created = timezone.localtime(block.created_at, zone).date()
        start = dt.datetime.combine(created, block.start_time, tzinfo=zone)
        summary = "Thinking time"
        if show_titles and block.note:
            summary = f"Thinking time: {block.note}"
        event = _event(_uid("thinking", block.pk), summary, now, reverse("thinking_time"))
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=block.duration_minutes))
        event.add("rrule", icalendar.vRecur.from_ical(block.rrule))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)

    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()  # icalendar leaves to_ical unannotated
    return ical
