"""Sending the outbox in this process: when the lease is renewed, marking sent, and the email's headers."""

from __future__ import annotations

import datetime as dt
import email.policy
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conftest import make_user
from legwork.reminders import delivery
from legwork.reminders.delivery import _email, outbox_send, send_allowance
from legwork.reminders.models import Kind, OutboxMessage, Reminder
from legwork.reminders.outbox import outbox_claim, outbox_mark_sent, render_outbox

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
            dedupe_key=f"delivery:{n}",
        )
        message = render_outbox(reminder)
        message.save()
        messages.append(message)
    return messages


def test_it_sends_a_batch_without_renewing_a_lease_that_covers_it(alice: Any) -> None:
    queue_emails(alice, 3)
    with mock.patch.object(delivery, "outbox_renew", wraps=delivery.outbox_renew) as renew:
        assert outbox_send(worker="w1", lease=dt.timedelta(minutes=5)) == 3
    assert renew.call_count == 0
    assert len(mail.outbox) == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.SENT}
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_it_renews_the_lease_before_a_send_that_could_outlast_it(alice: Any) -> None:
    queue_emails(alice, 3)
    lease = send_allowance() / 2  # shorter than one send may take: renewed before every message
    with mock.patch.object(delivery, "outbox_renew", wraps=delivery.outbox_renew) as renew:
        assert outbox_send(worker="w1", lease=lease) == 3
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

        assert outbox_send(worker="w1", lease=delivery.DEFAULT_LEASE, stopping=stopping) == 3
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


def test_emails_share_the_headers_they_have_in_common_and_keep_their_own(alice: Any) -> None:
    first, second = queue_emails(alice, 2)
    one = _email(first).message(policy=email.policy.SMTP)
    two = _email(second).message(policy=email.policy.SMTP)
    assert one["From"] is two["From"]  # parsed once
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
