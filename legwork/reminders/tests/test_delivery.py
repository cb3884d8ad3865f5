"""Sending the outbox in this process: when the lease is renewed, marking sent, and the email's headers."""

from __future__ import annotations

import datetime as dt
import email.policy
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conftest import make_homework, make_user
from legwork.reminders import delivery
from legwork.reminders.delivery import _email, outbox_send, send_allowance
from legwork.reminders.models import Kind, OutboxMessage, Reminder
from legwork.reminders.outbox import outbox_claim, outbox_mark_sent, outbox_renew, render_outbox
from legwork.reminders.worker import WorkerLoop

from .faulty_smtp import FaultySMTP

pytestmark = pytest.mark.django_db


def queue_emails(user: Any, count: int) -> list[OutboxMessage]:
    """`count` rendered emails to `user`, due now, as the worker's settling step leaves them."""
    messages = []
    for n in range(count):
        reminder = Reminder.objects.create(
            recipient=user,
            kind=Kind.HOMEWORK_ANSWERED,
            title=f"Bob is in #{n}",
            due_at=timezone.now(),
            status=Reminder.Status.QUEUED,
            dedupe_key=f"delivery:{user.pk}:{n}",
        )
        message = render_outbox(reminder)
        message.save()
        messages.append(message)
    return messages


def test_it_sends_a_batch_without_renewing_a_lease_that_covers_it(alice: Any) -> None:
    queue_emails(alice, 3)
    with mock.patch("legwork.reminders.delivery.outbox_renew", wraps=outbox_renew) as renew:
        assert outbox_send(worker="w1", lease=dt.timedelta(minutes=5)).tried == 3
    assert renew.call_count == 0
    assert len(mail.outbox) == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_it_renews_the_lease_before_a_send_that_could_outlast_it(alice: Any) -> None:
    queue_emails(alice, 3)
    lease = send_allowance() / 2  # shorter than one send may take: renewed before every message
    with mock.patch("legwork.reminders.delivery.outbox_renew", wraps=outbox_renew) as renew:
        assert outbox_send(worker="w1", lease=lease).tried == 3
    assert renew.call_count == 3
    assert len(mail.outbox) == 3


def test_it_leaves_a_row_whose_lease_ran_out_to_the_worker_that_claimed_it_since(alice: Any) -> None:
    queue_emails(alice, 3)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        taken: list[OutboxMessage] = []

        def stopping() -> bool:
            # After the first message, this worker stalls past its lease and another one claims the rest.
            if len(mail.outbox) == 1 and not taken:
                traveller.move_to(start + delivery.DEFAULT_LEASE + dt.timedelta(seconds=1))
                taken.extend(outbox_claim(worker="w2", now=timezone.now(), lease=delivery.DEFAULT_LEASE, batch=10))
            return False

        assert outbox_send(worker="w1", lease=delivery.DEFAULT_LEASE, stopping=stopping).tried == 3
    assert len(mail.outbox) == 1
    assert len(taken) == 2
    assert all(
        message.claim.startswith("w2:") for message in OutboxMessage.objects.filter(pk__in=[m.pk for m in taken])
    )
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 1


def test_marking_sent_needs_our_claim_to_hold(alice: Any) -> None:
    queue_emails(alice, 2)
    ours, lost = outbox_claim(worker="w1", now=timezone.now(), lease=dt.timedelta(minutes=5), batch=2)
    OutboxMessage.objects.filter(pk=lost.pk).update(claim="w2:another")  # another worker took it over

    assert outbox_mark_sent(ours, timezone.now())
    assert not outbox_mark_sent(lost, timezone.now())

    ours.refresh_from_db()
    lost.refresh_from_db()
    assert (ours.status, ours.lease_until, ours.reminder.status) == ("sent", None, Reminder.Status.SENT)
    assert ours.sent_at is not None
    assert (lost.status, lost.reminder.status) == ("sending", Reminder.Status.QUEUED)


def test_emails_carry_their_own_message_id_and_the_shared_headers(alice: Any) -> None:
    first, second = queue_emails(alice, 2)
    one = _email(first).message(policy=email.policy.SMTP)
    two = _email(second).message(policy=email.policy.SMTP)
    assert one["Message-ID"] == first.message_id
    assert two["Message-ID"] == second.message_id
    assert one["To"] == two["To"] == alice.email
    raw = one.as_bytes().decode()
    assert f"Message-ID: {first.message_id}\r\n" in raw
    assert "Auto-Submitted: auto-generated\r\n" in raw


def test_a_non_ascii_domain_is_still_idna_encoded(db: Any) -> None:
    # Django replaces the To header with Address objects here: the header cache must let them through.
    [message] = queue_emails(make_user("zoe@bücher.example"), 1)
    raw = _email(message).message(policy=email.policy.SMTP).as_bytes()
    assert b"\r\nTo: zoe@xn--bcher-kva.example\r\n" in raw


@pytest.fixture
def faulty(settings: Any) -> Iterator[FaultySMTP]:
    server = FaultySMTP()
    server.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": 5},
        }
    }
    settings.SMTP_TIMEOUT = 5
    yield server
    server.stop()


def test_one_recipients_refusal_leaves_the_rest_of_the_batch_going(db: Any, faulty: FaultySMTP) -> None:
    people = ["ok1", "refuse550", "ok2", "refuse451", "ok3"]
    messages = {name: queue_emails(make_user(f"{name}@example.com"), 1)[0] for name in people}
    before = timezone.now()

    assert outbox_send(worker="w1").tried == 5

    state = {name: OutboxMessage.objects.get(pk=m.pk) for name, m in messages.items()}
    assert sorted(faulty.accepted) == sorted(state[name].message_id for name in ("ok1", "ok2", "ok3"))
    assert all(state[name].status == OutboxMessage.Status.SENT for name in ("ok1", "ok2", "ok3"))
    # A permanent refusal fails at once, and the person sees it; a temporary one is tried again later.
    assert state["refuse550"].status == OutboxMessage.Status.FAILED
    assert state["refuse550"].reminder.status == Reminder.Status.FAILED
    assert "550" in state["refuse550"].last_error
    assert state["refuse451"].status == OutboxMessage.Status.WAITING
    assert state["refuse451"].failures == 1
    assert state["refuse451"].next_attempt_at > before
    assert state["refuse451"].reminder.status == Reminder.Status.QUEUED


def test_a_server_that_hangs_up_is_dialled_again_for_the_rest(db: Any, faulty: FaultySMTP) -> None:
    faulty.hang_up_every = 2  # the second message's data gets no answer, the connection is gone
    messages = queue_emails(make_user("zoe@example.com"), 4)
    assert outbox_send(worker="w1").tried == 4
    statuses = [OutboxMessage.objects.get(pk=m.pk).status for m in messages]
    assert statuses == ["sent", "waiting", "sent", "waiting"]  # each hang-up costs that message a try, no more


def test_an_address_django_refuses_fails_at_once_and_the_batch_goes_on(alice: Any, faulty: FaultySMTP) -> None:
    bad, good = queue_emails(alice, 2)
    OutboxMessage.objects.filter(pk=bad.pk).update(to="not an address\r\nBcc: eve@example.com")
    assert outbox_send(worker="w1").tried == 2
    assert OutboxMessage.objects.get(pk=bad.pk).status == OutboxMessage.Status.FAILED
    assert OutboxMessage.objects.get(pk=good.pk).status == OutboxMessage.Status.SENT
    assert list(faulty.accepted) == [good.message_id]


def test_sending_starts_before_every_due_reminder_is_rendered(alice_bob: Any) -> None:
    from .conftest import drain, set_prefs

    coach = alice_bob.coach
    set_prefs(coach, emails_per_day=0, quiet_from=0, quiet_until=0)
    homework = make_homework(alice_bob)
    Reminder.objects.bulk_create(
        Reminder(
            recipient=coach,
            kind=Kind.HOMEWORK_ANSWERED,
            homework=homework,
            title=f"Bob is in #{n}",
            due_at=timezone.now(),
            dedupe_key=f"stream:{n}",
        )
        for n in range(120)
    )
    sent_when_rendered: list[int] = []

    def render(reminder: Reminder) -> OutboxMessage:
        sent_when_rendered.append(len(mail.outbox))
        return render_outbox(reminder)

    with mock.patch("legwork.reminders.dispatch.render_outbox", render):
        drain(WorkerLoop(batch=20))
    assert len(mail.outbox) == 120
    assert sent_when_rendered[-1] >= 100  # the last one was rendered after the first hundred had gone out
