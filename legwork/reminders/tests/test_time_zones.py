"""Reminders fire at the recipient's local wall-clock hour across daylight-saving changes:
none missed in the skipped hour, none doubled in the repeated hour."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from conftest import make_session
from legwork.notebook.models import ThinkingTimeBlock
from legwork.reminders.models import Kind, OutboxMessage, Reminder
from legwork.reminders.planning import local_moment

from .conftest import drain, set_prefs

pytestmark = pytest.mark.django_db

# (zone, the day of the change, an hour that is skipped or repeated on that day, which)
CHANGES = [
    ("Europe/London", dt.date(2026, 3, 29), 1, "skipped"),
    ("Europe/London", dt.date(2026, 10, 25), 1, "repeated"),
    ("America/New_York", dt.date(2026, 3, 8), 2, "skipped"),
    ("America/New_York", dt.date(2026, 11, 1), 1, "repeated"),
    ("Australia/Sydney", dt.date(2026, 10, 4), 2, "skipped"),
    ("Australia/Sydney", dt.date(2026, 4, 5), 2, "repeated"),
]


def is_real(day: dt.date, hour: int, zone: ZoneInfo) -> bool:
    naive = dt.datetime.combine(day, dt.time(hour))
    return naive.replace(tzinfo=zone).astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == naive


@pytest.mark.parametrize(("zone_name", "change_day", "hour", "which"), CHANGES)
def test_it_sends_each_reminder_once_at_the_local_hour_across_the_change(
    alice_bob: Any, zone_name: str, change_day: dt.date, hour: int, which: str
) -> None:
    zone = ZoneInfo(zone_name)
    bob, alice = alice_bob.client, alice_bob.coach
    bob.timezone = zone_name
    bob.save(update_fields=["timezone"])
    # The hour itself is skipped, or happens twice, on the change day; no daily limit, so every reminder is emailed.
    set_prefs(bob, hour=hour, emails_per_day=0, quiet_from=0, quiet_until=0)
    set_prefs(alice, coach_day=False)
    assert is_real(change_day, hour, zone) is (which == "repeated")

    days = [change_day + dt.timedelta(days=offset) for offset in (-1, 0, 1)]
    start = local_moment(days[0], 0, zone)
    with time_machine.travel(start - dt.timedelta(days=20), tick=False) as traveller:
        # Sessions at noon the day after each day: their "day before" reminders fall on each day.
        sessions = [make_session(alice_bob, at=local_moment(day + dt.timedelta(days=1), 12, zone)) for day in days]
        ThinkingTimeBlock.objects.create(
            client=bob, rrule="FREQ=DAILY", start_time=dt.time(hour, 30), timezone=zone_name, duration_minutes=60
        )
        moment = start
        while moment < local_moment(days[-1], 6, zone):
            traveller.move_to(moment)
            drain()
            moment += dt.timedelta(minutes=30)

    before = Reminder.objects.filter(recipient=bob, kind=Kind.BEFORE_SESSION)
    assert sorted(r.session_id or 0 for r in before) == sorted(s.pk for s in sessions)  # none missed, none doubled
    for reminder in before:
        assert reminder.status == Reminder.Status.SENT
        local = reminder.due_at.astimezone(zone)
        expected_hour = hour if is_real(local.date(), hour, zone) else hour + 1  # the clock skips to the next hour
        assert (local.hour, local.minute) == (expected_hour, 0)
        assert reminder.due_at == local_moment(local.date(), hour, zone)

    thinking = Reminder.objects.filter(recipient=bob, kind=Kind.THINKING_TIME, status=Reminder.Status.SENT)
    per_day = Counter(r.due_at.astimezone(zone).date() for r in thinking)
    assert all(per_day[day] == 1 for day in days), per_day

    sent = OutboxMessage.objects.filter(reminder__recipient=bob, status=OutboxMessage.Status.SENT)
    message_ids = [m.extra_headers["Message-ID"] for m in mail.outbox]
    assert len(message_ids) == len(set(message_ids)) == sent.count() == len(sessions) + thinking.count()
