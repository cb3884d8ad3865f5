"""Demo reminders: `make run`'s worker sends these at once (to var/mail/, one file per run).

The demo makes no calendar feeds: only a hash of a feed's token is kept, so its address
could be shown only by printing it here, among the sign-ins. A demo person makes one on
the Calendar feed page, as anyone would.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from legwork.homework.models import Homework

from .models import Kind, Preferences, Reminder
from .planning import reminder_homework_answered, reminder_homework_waiting

if TYPE_CHECKING:
    from legwork.coaching.demo import DemoPractice


def populate(practice: DemoPractice) -> None:
    now = timezone.now()
    people = [practice.coach] + [engagement.client for engagement in practice.engagements.values()]
    # No quiet hours in the demo, so whenever `make run` starts, the worker has something to send.
    Preferences.objects.bulk_create(
        [Preferences(user=person, quiet_from=0, quiet_until=0) for person in people], ignore_conflicts=True
    )

    new = practice.engagements["new"]
    waiting = Homework.objects.filter(engagement=new, status=Homework.Status.PROPOSED).first()
    if waiting is not None:
        reminder_homework_waiting(homework=waiting, now=now - dt.timedelta(minutes=5))
    steady = practice.engagements["steady"]
    confirmed = Homework.objects.open().filter(engagement=steady).order_by("-created_at").first()
    if confirmed is not None:
        reminder_homework_answered(homework=confirmed, by=steady.client, now=now)
    crammer = practice.engagements["crammer"]
    upcoming = crammer.next_session()
    if upcoming is not None:
        # Halfway through the crammer's interval, and (true to form) nothing logged yet.
        Reminder.objects.get_or_create(
            dedupe_key=f"midpoint:{upcoming.pk}:{upcoming.scheduled_at:%Y%m%d%H%M}",
            defaults={
                "recipient": crammer.client,
                "kind": Kind.MIDPOINT,
                "session": upcoming,
                "due_at": now,
                "expires_at": upcoming.scheduled_at,
            },
        )
