"""What is sent, to whom, when, and what it carries: in-process worker loop, real SMTP server where it matters."""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from conftest import make_homework, make_progress, make_session
from legwork.coaching.services import session_schedule
from legwork.homework.models import Homework
from legwork.homework.services import HomeworkDraft, homework_confirm, homework_request_change, session_wrap_up
from legwork.notebook.models import JournalEntry
from legwork.reminders.models import Kind, OutboxMessage, Reminder
from legwork.reminders.planning import local_moment, reminders_plan

from .conftest import drain, set_prefs

pytestmark = pytest.mark.django_db(transaction=True)  # signals are sent on commit
UTC = dt.UTC
# A Wednesday; London is on GMT, so UTC hours are London hours.
NOON = dt.datetime(2026, 1, 14, 12, tzinfo=UTC)


def kinds(user: Any, status: str = Reminder.Status.SENT) -> list[str]:
    return list(Reminder.objects.filter(recipient=user, status=status).values_list("kind", flat=True))


def test_it_emails_new_homework_once_for_a_whole_wrap_up_over_smtp(alice_bob: Any, smtp_settings: Any) -> None:
    bob = alice_bob.client
    with time_machine.travel(NOON, tick=False) as traveller:
        session = make_session(alice_bob, at=NOON - dt.timedelta(hours=1))
        drafts = [HomeworkDraft(title=f"Call Dana #{i}", purpose="act") for i in range(3)]
        session_wrap_up(
            session=session, drafts=drafts, next_session_at=NOON + dt.timedelta(days=14), by=alice_bob.coach
        )
        drain()
        assert smtp_settings.messages == []  # gathered for a couple of minutes first
        traveller.shift(dt.timedelta(minutes=3))
        drain()
    [message] = [m for m in smtp_settings.messages if m["To"] == bob.email]
    assert message["Subject"] == "3 homework waiting for your “I'm in”"
    body = message.get_body(("plain",)).get_content()
    assert "Call Dana #0" in body
    assert "Call Dana #2" in body
    assert "http://127.0.0.1:8000/homework/" in body
    assert message["Message-ID"] == OutboxMessage.objects.get(reminder__recipient=bob).message_id
    assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/reminders/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "http://127.0.0.1:8000" + reverse("reminders_preferences") in body
    html = message.get_body(("html",)).get_content()
    assert reverse("reminders_preferences") in html


def test_it_keeps_the_unsubscribe_url_one_unbroken_header_line(alice_bob: Any) -> None:
    bob = alice_bob.client
    make_homework(alice_bob, "Send the CV", status=Homework.Status.PROPOSED)
    with time_machine.travel(NOON, tick=False):
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key="u")
        drain()
    raw = mail.outbox[0].message(policy=email.policy.SMTP).as_bytes().decode()
    unsubscribe = next(line for line in raw.split("\r\n") if line.startswith("List-Unsubscribe:"))
    assert unsubscribe.startswith("List-Unsubscribe: <http://127.0.0.1:8000/reminders/unsubscribe/")
    assert unsubscribe.endswith("/>")


def test_it_tells_the_coach_when_a_client_is_in_or_asks_for_a_change(alice_bob: Any) -> None:
    bob, alice = alice_bob.client, alice_bob.coach
    set_prefs(alice, emails_per_day=0)
    first = make_homework(alice_bob, "Update my LinkedIn headline")
    second = make_homework(alice_bob, "Book a coffee")
    with time_machine.travel(NOON, tick=False):
        homework_confirm(homework=first, by=bob)
        homework_request_change(homework=second, note="My secret worry about money", by=bob)
        drain()
    subjects = sorted(m.subject for m in mail.outbox if m.to == [alice.email])
    assert subjects == ["Bob Client asks to change “Book a coffee”", "Bob Client is in: “Update my LinkedIn headline”"]
    assert all("secret worry" not in m.body for m in mail.outbox)


def test_it_keeps_calm_one_email_a_day_and_the_rest_in_the_inbox(alice_bob: Any) -> None:
    bob = alice_bob.client
    with time_machine.travel(NOON, tick=False) as traveller:
        make_homework(alice_bob, "First", status=Homework.Status.PROPOSED)
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key="a")
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key="b")
        drain()
        assert len(mail.outbox) == 1
        assert sorted(kinds(bob) + kinds(bob, Reminder.Status.INBOX)) == [Kind.HOMEWORK_WAITING] * 2
        # A new day in London: one more email is allowed.
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key="c")
        traveller.move_to(NOON + dt.timedelta(days=1))
        drain()
    assert len(mail.outbox) == 2


def test_it_holds_event_emails_through_quiet_hours(alice_bob: Any) -> None:
    bob = alice_bob.client
    set_prefs(bob, quiet_from=21, quiet_until=7)
    late = dt.datetime(2026, 1, 14, 22, 30, tzinfo=UTC)
    with time_machine.travel(late, tick=False) as traveller:
        make_homework(alice_bob, "First", status=Homework.Status.PROPOSED)
        reminder = Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=late, dedupe_key="q")
        drain()
        assert mail.outbox == []
        reminder.refresh_from_db()
        assert reminder.status == Reminder.Status.PENDING
        assert reminder.due_at == dt.datetime(2026, 1, 15, 7, tzinfo=UTC)
        traveller.move_to(reminder.due_at)
        drain()
    assert len(mail.outbox) == 1


def test_it_sends_the_midpoint_nudge_only_when_nothing_has_moved(alice_bob: Any, carol_dan: Any) -> None:
    start = dt.datetime(2026, 1, 1, 10, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for engagement in (alice_bob, carol_dan):
            make_session(engagement, at=start - dt.timedelta(hours=2), status="held")
            make_session(engagement, at=start + dt.timedelta(days=14))
            make_homework(engagement, "Write the CV summary", status=Homework.Status.CONFIRMED)
        drain()
        moved = Homework.objects.get(engagement=carol_dan)
        traveller.move_to(start + dt.timedelta(days=3))
        make_progress(moved, note="Made a start.")
        traveller.move_to(start + dt.timedelta(days=8))
        drain()
    assert kinds(alice_bob.client) == [Kind.MIDPOINT]
    nudge = Reminder.objects.get(recipient=alice_bob.client, kind=Kind.MIDPOINT)
    assert nudge.due_at == local_moment(dt.date(2026, 1, 8), 8, alice_bob.client.zone)
    assert Reminder.objects.get(recipient=carol_dan.client, kind=Kind.MIDPOINT).status == Reminder.Status.SKIPPED


def test_it_reminds_the_day_before_at_the_chosen_hour_with_a_link_to_the_reflection(alice_bob: Any) -> None:
    bob = alice_bob.client
    bob.timezone = "America/New_York"
    bob.save(update_fields=["timezone"])
    set_prefs(bob, hour=18)
    at = dt.datetime(2026, 1, 20, 15, tzinfo=UTC)  # 10:00 in New York
    with time_machine.travel(dt.datetime(2026, 1, 19, 22, 59, tzinfo=UTC), tick=False) as traveller:
        session = make_session(alice_bob, at=at)
        drain()
        assert kinds(bob) == []
        traveller.move_to(dt.datetime(2026, 1, 19, 23, 0, tzinfo=UTC))  # 18:00 in New York
        drain()
    [message] = [m for m in mail.outbox if m.to == [bob.email]]
    assert message.subject == "Your session with Alice Coach is tomorrow at 10:00"
    assert f"http://127.0.0.1:8000/sessions/{session.pk}/reflection/" in message.body


def test_it_sends_the_coach_one_morning_email_listing_the_days_sessions(alice_bob: Any, alice: Any) -> None:
    from conftest import make_engagement, make_user

    other = make_engagement(alice, make_user("kim@example.com", name="Kim Client"))
    with time_machine.travel(dt.datetime(2026, 1, 14, 6, tzinfo=UTC), tick=False) as traveller:
        make_session(alice_bob, at=dt.datetime(2026, 1, 14, 15, tzinfo=UTC), agenda="Private agenda text")
        make_session(other, at=dt.datetime(2026, 1, 14, 10, tzinfo=UTC))
        drain()
        traveller.move_to(dt.datetime(2026, 1, 14, 8, tzinfo=UTC))
        drain()
    [message] = [m for m in mail.outbox if m.to == [alice.email]]
    assert message.subject == "Today: 2 sessions"
    assert message.body.index("10:00 Kim Client") < message.body.index("15:00 Bob Client")
    assert "Private agenda" not in message.body
    assert message.body.count("/brief/") == 2


def test_it_never_puts_journal_or_note_bodies_in_emails(alice_bob: Any) -> None:
    bob = alice_bob.client
    set_prefs(bob, emails_per_day=0)
    JournalEntry.objects.create(client=bob, title="Diary", body="JOURNAL-BODY-SECRET", shared_with=alice_bob)
    with time_machine.travel(NOON, tick=False) as traveller:
        held = make_session(alice_bob, at=NOON - dt.timedelta(days=10), status="held", private_notes="PRIVATE-NOTE")
        held.shared_notes = "SHARED-NOTE"
        held.save()
        make_session(alice_bob, at=NOON + dt.timedelta(days=1))
        homework = make_homework(alice_bob, "Talk to Dana", status=Homework.Status.PROPOSED)
        make_progress(homework, note="PROGRESS-NOTE")
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key="x")
        traveller.move_to(NOON + dt.timedelta(hours=20))
        drain()
    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        assert isinstance(message, EmailMultiAlternatives)
        everything = f"{message.subject}{message.body}{message.alternatives}"
        for secret in ("JOURNAL-BODY-SECRET", "PRIVATE-NOTE", "SHARED-NOTE", "PROGRESS-NOTE"):
            assert secret not in everything


def test_it_respects_turned_off_reminders_and_email_off(alice_bob: Any) -> None:
    bob = alice_bob.client
    make_homework(alice_bob, "First", status=Homework.Status.PROPOSED)
    set_prefs(bob, homework_waiting=False)
    with time_machine.travel(NOON, tick=False):
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key="off")
        drain()
        assert kinds(bob, Reminder.Status.SKIPPED) == [Kind.HOMEWORK_WAITING]
        set_prefs(bob, homework_waiting=True, email_on=False)
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key="email-off")
        drain()
    assert kinds(bob, Reminder.Status.INBOX) == [Kind.HOMEWORK_WAITING]
    assert mail.outbox == []


def test_it_gathers_a_week_into_one_digest_when_asked(alice_bob: Any) -> None:
    bob = alice_bob.client
    set_prefs(bob, weekly_digest=True)
    monday = dt.datetime(2026, 1, 19, 8, tzinfo=UTC)
    with time_machine.travel(NOON, tick=False) as traveller:
        make_homework(alice_bob, "First", status=Homework.Status.PROPOSED)
        for day in range(3):
            Reminder.objects.create(
                recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON + dt.timedelta(days=day), dedupe_key=f"d{day}"
            )
            traveller.move_to(NOON + dt.timedelta(days=day))
            drain()
        assert mail.outbox == []
        assert len(kinds(bob, Reminder.Status.HELD)) == 3
        traveller.move_to(monday)
        drain()
    [message] = mail.outbox
    assert message.subject == "Your week in Legwork: 3 reminders"
    assert kinds(bob, Reminder.Status.HELD) == []


def test_it_plans_each_occasion_once_however_often_it_runs(alice_bob: Any) -> None:
    alice_bob.created_at = NOON - dt.timedelta(days=1)
    alice_bob.save(update_fields=["created_at"])
    with time_machine.travel(NOON, tick=False):
        session_schedule(engagement=alice_bob, scheduled_at=NOON + dt.timedelta(days=10), by=alice_bob.coach)
        planned = Reminder.objects.count()
        assert planned == 3  # the signal's job planned it at once: day before, coach's day, midpoint
        assert reminders_plan() == 0
        assert reminders_plan() == 0
    assert Reminder.objects.count() == planned


def test_thinking_time_is_planned_once_a_day_per_block_not_every_pass(alice_bob: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from legwork.notebook.models import ThinkingTimeBlock

    bob = alice_bob.client
    with time_machine.travel(NOON, tick=False) as traveller:
        block = ThinkingTimeBlock.objects.create(client=bob, rrule="FREQ=DAILY", start_time=dt.time(18))
        assert reminders_plan() == 2  # today and tomorrow at 18:00
        block.refresh_from_db()
        assert block.reminders_planned_until == NOON + dt.timedelta(days=2)

        for n in range(20):  # others' blocks, planned already: a later pass must not read them again
            ThinkingTimeBlock.objects.create(client=bob, start_time=dt.time(7, n))
        reminders_plan()
        traveller.shift(dt.timedelta(hours=6))
        with CaptureQueriesContext(connection) as quiet_pass:
            assert reminders_plan() == 0
        assert not [q["sql"] for q in quiet_pass if q["sql"].startswith(("INSERT", "UPDATE"))]

        traveller.shift(dt.timedelta(days=1))  # under a day of horizon left: plan the day after tomorrow
        assert reminders_plan() > 0
        days = Reminder.objects.filter(block=block).values_list("due_at", flat=True)
        assert sorted(days) == [NOON + dt.timedelta(hours=6, days=d) for d in range(3)]


def test_a_moved_block_is_planned_again_and_its_old_time_is_not_sent(alice_bob: Any) -> None:
    from legwork.notebook.models import ThinkingTimeBlock

    bob = alice_bob.client
    set_prefs(bob, emails_per_day=0, quiet_from=0, quiet_until=0)
    with time_machine.travel(NOON, tick=False) as traveller:
        block = ThinkingTimeBlock.objects.create(client=bob, rrule="FREQ=DAILY", start_time=dt.time(18))
        drain()
        block.start_time = dt.time(19)
        block.save()
        assert block.reminders_planned_until is None
        drain()
        for hour in (18, 19):
            traveller.move_to(NOON.replace(hour=hour, minute=1))
            drain()
    sent = Reminder.objects.filter(block=block, status=Reminder.Status.SENT)
    assert [r.due_at.hour for r in sent] == [19]
    assert Reminder.objects.get(block=block, due_at=NOON.replace(hour=18)).status != Reminder.Status.SENT


def test_the_midpoint_nudge_spans_the_interval_a_missed_session_does_not_end(alice_bob: Any) -> None:
    # Held at 23:30 for an hour; missed in the middle; the next one two weeks on at 23:30. The interval runs
    # from the held session's start (DESIGN.md), so its midpoint is day 7 at 23:30: the nudge is due on day 7,
    # at the client's hour (counted from the held session's end, it fell at 00:00 on day 8).
    held_at = dt.datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    with time_machine.travel(held_at + dt.timedelta(hours=2), tick=False) as traveller:
        make_session(alice_bob, at=held_at, status="held")
        make_session(alice_bob, at=held_at + dt.timedelta(days=5), status="missed")
        upcoming = make_session(alice_bob, at=held_at + dt.timedelta(days=14))
        make_homework(alice_bob, "Write the CV summary", status=Homework.Status.CONFIRMED)
        drain()
        nudge = Reminder.objects.get(kind=Kind.MIDPOINT)
        assert upcoming.interval_start() == held_at
        assert nudge.due_at == local_moment(dt.date(2026, 1, 8), 8, alice_bob.client.zone)
        traveller.move_to(nudge.due_at)
        drain()
    assert kinds(alice_bob.client) == [Kind.MIDPOINT]


def test_progress_written_during_the_held_session_counts_for_the_midpoint_nudge(alice_bob: Any) -> None:
    held_at = dt.datetime(2026, 1, 1, 10, tzinfo=UTC)
    with time_machine.travel(held_at, tick=False) as traveller:
        make_session(alice_bob, at=held_at, status="held")
        make_session(alice_bob, at=held_at + dt.timedelta(days=14))
        homework = make_homework(alice_bob, "Write the CV summary", status=Homework.Status.CONFIRMED)
        traveller.shift(dt.timedelta(minutes=30))  # still in the session: its interval has begun
        make_progress(homework, note="Started it together.")
        drain()
        nudge = Reminder.objects.get(kind=Kind.MIDPOINT)
        traveller.move_to(nudge.due_at)
        drain()
    assert Reminder.objects.get(kind=Kind.MIDPOINT).status == Reminder.Status.SKIPPED


def test_the_days_one_email_goes_to_the_session_tomorrow_not_to_what_came_first(alice_bob: Any) -> None:
    bob = alice_bob.client
    seven = dt.datetime(2026, 1, 14, 7, tzinfo=UTC)
    with time_machine.travel(seven - dt.timedelta(days=3), tick=False) as traveller:
        make_session(alice_bob, at=dt.datetime(2026, 1, 15, 15, tzinfo=UTC))  # "the day before" is due at 08:00
        make_homework(alice_bob, "Call Dana", status=Homework.Status.PROPOSED)
        drain()
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=seven, dedupe_key="early")
        traveller.move_to(seven)
        drain()
        assert [m for m in mail.outbox if m.to == [bob.email]] == []  # it makes way for the session reminder
        traveller.move_to(seven + dt.timedelta(hours=1))
        drain()
        traveller.move_to(seven + dt.timedelta(hours=1, minutes=2))
        drain()
    [message] = [m for m in mail.outbox if m.to == [bob.email]]
    assert message.subject == "Your session with Alice Coach is tomorrow at 15:00"
    assert Reminder.objects.get(dedupe_key="early").status == Reminder.Status.INBOX  # still told, in the inbox


def test_a_late_reminder_of_any_kind_waits_for_the_end_of_quiet_hours(alice_bob: Any) -> None:
    bob = alice_bob.client
    set_prefs(bob, quiet_from=21, quiet_until=7)
    start = dt.datetime(2026, 1, 1, 10, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        make_session(alice_bob, at=start - dt.timedelta(hours=2), status="held")
        make_session(alice_bob, at=start + dt.timedelta(days=14))
        make_homework(alice_bob, "Write the CV summary", status=Homework.Status.CONFIRMED)
        drain()
        nudge = Reminder.objects.get(kind=Kind.MIDPOINT)
        traveller.move_to(nudge.due_at.replace(hour=23, minute=59))  # the worker was down all day
        drain()
        assert mail.outbox == []
        nudge.refresh_from_db()
        assert nudge.status == Reminder.Status.PENDING
        assert nudge.due_at == local_moment(dt.date(2026, 1, 9), 7, bob.zone)
        traveller.move_to(nudge.due_at)
        drain()
    assert [m.to for m in mail.outbox] == [[bob.email]]


def test_a_reminder_that_would_only_be_emailed_too_late_goes_to_the_inbox(alice_bob: Any) -> None:
    from legwork.notebook.models import ThinkingTimeBlock

    bob = alice_bob.client
    set_prefs(bob, quiet_from=21, quiet_until=7)
    with time_machine.travel(NOON, tick=False) as traveller:
        ThinkingTimeBlock.objects.create(client=bob, rrule="FREQ=DAILY", start_time=dt.time(5), duration_minutes=60)
        drain()
        traveller.move_to(NOON.replace(hour=5) + dt.timedelta(days=1))
        drain()
    early = Reminder.objects.get(kind=Kind.THINKING_TIME, due_at=NOON.replace(hour=5) + dt.timedelta(days=1))
    assert early.status == Reminder.Status.INBOX
    assert mail.outbox == []


def test_two_workers_settling_at_once_keep_the_daily_cap(alice_bob: Any) -> None:
    """Two transactions decide about the same person at the same moment: only one of them may email."""
    import threading

    from django.db import connection, connections

    from legwork.reminders.dispatch import reminders_dispatch

    if connection.vendor != "postgresql":
        pytest.skip("On SQLite the IMMEDIATE transactions settle one at a time")
    bob = alice_bob.client
    make_homework(alice_bob, "Call Dana", status=Homework.Status.PROPOSED)
    for key in ("one", "two"):
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key=key)
    both_deciding = threading.Barrier(2, timeout=3)
    from legwork.reminders.outbox import render_outbox as render

    def render_together(reminder: Reminder) -> OutboxMessage:
        # Each holds its transaction open until the other one got this far too; with the fix the other one
        # waits for our slot to commit instead, and the barrier breaks.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_deciding.wait()
        return render(reminder)

    def settle_one() -> None:
        try:
            reminders_dispatch(now=NOON, batch=1)
        finally:
            connections.close_all()

    from unittest import mock

    with mock.patch("legwork.reminders.dispatch.render_outbox", render_together):
        threads = [threading.Thread(target=settle_one) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert OutboxMessage.objects.filter(to=bob.email).count() == 1
    assert sorted(Reminder.objects.values_list("status", flat=True)) == ["inbox", "queued"]


def test_line_breaks_in_names_and_titles_neither_stop_the_email_nor_forge_lines(
    alice_bob: Any, smtp_settings: Any
) -> None:
    bob, alice = alice_bob.client, alice_bob.coach
    bob.name = "Bob\r\nBcc: eve@example.com"
    bob.save(update_fields=["name"])
    alice.name = "Alice\rCoach"
    alice.save(update_fields=["name"])
    set_prefs(alice, emails_per_day=0)
    homework = make_homework(alice_bob, "Ask Dana & Sam\r\nBcc: eve@example.com\nSubject: forged")
    with time_machine.travel(NOON, tick=False):
        homework_confirm(homework=homework, by=bob)
        drain()
    [message] = smtp_settings.messages
    assert message["Subject"] == "Bob Bcc: eve@example.com is in: “Ask Dana & Sam Bcc: eve@example.com Subject: forged”"
    assert message["Bcc"] is None
    body = message.get_body(("plain",)).get_content()
    assert not [line for line in body.splitlines() if line.startswith(("Bcc:", "Subject:"))]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
