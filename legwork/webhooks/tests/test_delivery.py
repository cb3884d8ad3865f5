"""Webhooks end to end: an event in the loop, a delivery row, a real worker step, a real HTTP receiver.

The receiver is a real server on loopback (port 0); it checks the signature the way
docs/webhooks.md tells integrators to. Time is moved with time-machine for the back-off.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conftest import make_homework, make_session
from legwork.homework import services as loop
from legwork.insights.services import reflection_save
from legwork.reminders.worker import WorkerLoop
from legwork.webhooks import delivery as sending
from legwork.webhooks.addresses import UnsafeURL
from legwork.webhooks.models import Event, Webhook, WebhookDelivery
from legwork.webhooks.services import event_record, webhook_create, webhook_send_test

from .conftest import Received, Receiver

pytestmark = pytest.mark.django_db

CANARY = "CANARY-9d1e-webhook"


def verify(received: Received, secret: str, *, now: int | None = None, tolerance: int = 300) -> dict[str, Any]:
    """What a receiver does (docs/webhooks.md): recompute the HMAC of "<t>.<body>", compare, check t is fresh."""
    parts = dict(part.split("=", 1) for part in received.headers["legwork-signature"].split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + received.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, parts["v1"]), "the signature does not match"
    assert abs((now or int(timezone.now().timestamp())) - int(parts["t"])) <= tolerance
    payload: dict[str, Any] = json.loads(received.body)
    return payload


def hook(coach: Any, receiver: Receiver, events: list[str] | None = None, **kwargs: Any) -> Webhook:
    return webhook_create(by=coach, url=receiver.url, events=events or list(Event.values[:4]), **kwargs)


def confirm(homework: Any, by: Any, capture: Any) -> None:
    with capture(execute=True):
        loop.homework_confirm(homework=homework, by=by)


def test_homework_agreed_reaches_the_receiver_signed_through_a_worker_step(
    alice: Any, alice_bob: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    webhook = hook(alice, receiver)
    homework = make_homework(alice_bob)
    confirm(homework, alice_bob.client, django_capture_on_commit_callbacks)
    assert receiver.received == [], "nothing is sent in the request"
    assert WorkerLoop().step() >= 1
    [got] = receiver.received
    payload = verify(got, webhook.secret)
    delivery = WebhookDelivery.objects.get()
    assert got.path == "/hook"
    assert got.headers["legwork-delivery"] == str(delivery.delivery_id) == payload["id"]
    assert got.headers["legwork-event"] == "homework.agreed" == payload["event"]
    assert got.headers["content-type"] == "application/json"
    assert payload["data"]["homework"]["id"] == homework.pk
    assert payload["data"]["homework"]["title"] == homework.title
    assert payload["data"]["homework"]["url"].endswith(homework.get_absolute_url())
    assert payload["data"]["engagement"] == alice_bob.pk
    delivery.refresh_from_db()
    assert (delivery.status, delivery.status_code, delivery.attempts) == ("delivered", 200, 1)
    assert delivery.response_excerpt == "thanks"
    assert delivery.delivered_at is not None


def test_a_wrong_secret_does_not_verify(alice: Any, alice_bob: Any, receiver: Receiver) -> None:
    webhook = hook(alice, receiver)
    webhook_send_test(webhook=webhook, by=alice)
    sending.webhooks_send()
    [got] = receiver.received
    verify(got, webhook.secret)
    with pytest.raises(AssertionError, match="signature"):
        verify(got, webhook.secret + "x")
    tampered = Received(got.path, got.headers, got.body.replace(b"ping", b"pong"))
    with pytest.raises(AssertionError, match="signature"):
        verify(tampered, webhook.secret)


def test_an_event_heard_twice_is_delivered_once(
    alice: Any, alice_bob: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    hook(alice, receiver)
    homework = make_homework(alice_bob)
    confirm(homework, alice_bob.client, django_capture_on_commit_callbacks)
    confirm(homework, alice_bob.client, django_capture_on_commit_callbacks)  # "I'm in" again: no new event
    # The signal itself heard twice (a retried receiver): the idempotency key keeps one row.
    from legwork.webhooks import payloads

    for _ in range(2):
        event_record(
            event=Event.HOMEWORK_AGREED,
            engagement=alice_bob,
            key=str(homework.pk),
            data=lambda for_practice: payloads.homework_agreed(homework, for_practice=for_practice),
        )
    assert WebhookDelivery.objects.count() == 1
    sending.webhooks_send()
    sending.webhooks_send()
    assert len(receiver.received) == 1


def test_a_failing_receiver_is_retried_with_back_off_and_a_2xx_stops_it(
    alice: Any, alice_bob: Any, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    receiver.statuses = [500, 503, 200]
    webhook = hook(alice, receiver)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        confirm(make_homework(alice_bob), alice_bob.client, django_capture_on_commit_callbacks)
        assert sending.webhooks_send() == 1
        delivery = WebhookDelivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.status_code) == ("waiting", 1, 500)
        assert delivery.response_excerpt == "something broke here"
        assert delivery.next_attempt_at == start + dt.timedelta(minutes=1)

        clock.shift(dt.timedelta(seconds=59))
        assert sending.webhooks_send() == 0, "not before its back-off"
        clock.shift(dt.timedelta(seconds=1))
        assert sending.webhooks_send() == 1
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.status_code) == (2, 503)
        assert delivery.next_attempt_at == timezone.now() + dt.timedelta(minutes=2), "the pause doubles"

        clock.shift(dt.timedelta(minutes=2))
        assert sending.webhooks_send() == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.status_code) == ("delivered", 3, 200)
        clock.shift(dt.timedelta(hours=12))
        assert sending.webhooks_send() == 0, "a 2xx stops it"
    assert len(receiver.received) == 3
    ids = {got.headers["legwork-delivery"] for got in receiver.received}
    assert ids == {str(delivery.delivery_id)}, "every try carries the same delivery id"
    for got in receiver.received:
        verify(got, webhook.secret, now=int(start.timestamp()), tolerance=600)
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0
    assert webhook.active


def test_backoff_doubles_up_to_its_cap() -> None:
    pauses = [sending.backoff(n) for n in range(1, 12)]
    assert pauses[:4] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(pauses) == sending.BACKOFF_CAP == pauses[-1]


def test_a_delivery_gives_up_after_its_last_try(alice: Any, alice_bob: Any, receiver: Receiver) -> None:
    receiver.statuses = [500]
    webhook_send_test(webhook=hook(alice, receiver), by=alice)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(sending.MAX_ATTEMPTS):
            assert sending.webhooks_send() == 1
            clock.shift(sending.BACKOFF_CAP)
        assert sending.webhooks_send() == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", sending.MAX_ATTEMPTS)


def test_many_failures_in_a_row_turn_the_webhook_off_and_tell_the_coach(
    alice: Any, alice_bob: Any, receiver: Receiver, monkeypatch: Any
) -> None:
    monkeypatch.setattr(sending, "DISABLE_AFTER", 3)
    receiver.statuses = [500]
    webhook = hook(alice, receiver)
    for _ in range(3):
        webhook_send_test(webhook=webhook, by=alice)
    assert sending.webhooks_send() == 3
    webhook.refresh_from_db()
    assert not webhook.active
    assert webhook.disabled_at is not None
    assert "3 failed tries in a row" in webhook.disabled_reason
    assert "HTTP 500" in webhook.disabled_reason
    [email] = mail.outbox
    assert email.to == ["Alice Coach <alice@example.com>"]
    assert webhook.url in email.body
    # Turned off, its events are not queued (nor sent).
    homework = make_homework(alice_bob)
    homework.confirm()
    from legwork.webhooks.receivers import on_homework_agreed

    on_homework_agreed(sender=None, homework=homework, by=alice_bob.client)
    assert not WebhookDelivery.objects.filter(event=Event.HOMEWORK_AGREED).exists()


def test_a_success_resets_the_run_of_failures(alice: Any, receiver: Receiver) -> None:
    receiver.statuses = [500, 500, 200]
    webhook = hook(alice, receiver)
    for _ in range(3):
        webhook_send_test(webhook=webhook, by=alice)
    sending.webhooks_send()
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0


def test_another_coachs_webhook_never_hears_alices_events(
    alice: Any,
    alice_bob: Any,
    carol: Any,
    carol_dan: Any,
    frank: Any,
    receiver: Receiver,
    other_receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    hook(carol, other_receiver)
    hook(frank, other_receiver)  # a coach of alice's practice, not an admin: only his own engagements
    mine = hook(alice, receiver)
    confirm(make_homework(alice_bob), alice_bob.client, django_capture_on_commit_callbacks)
    sending.webhooks_send()
    assert len(receiver.received) == 1
    assert other_receiver.received == []
    verify(receiver.received[0], mine.secret)


def test_payloads_carry_no_words_anyone_wrote(
    alice: Any,
    alice_bob: Any,
    olive: Any,
    receiver: Receiver,
    other_receiver: Receiver,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Progress notes, answers, reflections, outcome notes, change notes: none reach a webhook; the practice's
    (olive, its admin) carries ids, dates and outcomes, not even titles."""
    hook(alice, receiver)
    practice_hook = hook(olive, other_receiver, for_practice=True)
    session = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=3))
    homework = make_homework(alice_bob, title=f"Title {CANARY}-title")
    bob = alice_bob.client
    with django_capture_on_commit_callbacks(execute=True):
        loop.homework_request_change(homework=homework, note=f"change {CANARY}", by=bob)
        loop.homework_confirm(homework=homework, by=bob)
        loop.progress_log(homework=homework, by=bob, note=f"note {CANARY}", minutes=20)
        reflection_save(
            session=session,
            by=bob,
            data={"what_i_did": f"did {CANARY}", "what_i_learned": CANARY, "what_got_in_the_way": CANARY},
        )
    session.scheduled_at = timezone.now() - dt.timedelta(minutes=5)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        loop.homework_review(
            homework=homework,
            session=session,
            outcome="not_done",
            reason="time",
            decision="drop",
            note=f"outcome {CANARY}",
            by=alice,
        )
    sending.webhooks_send()
    coach_bodies = [got.body.decode() for got in receiver.received]
    practice_bodies = [got.body.decode() for got in other_receiver.received]
    events = sorted(json.loads(body)["event"] for body in coach_bodies)
    assert events == ["homework.agreed", "homework.reviewed", "progress.logged", "reflection.written"]
    assert sorted(json.loads(body)["event"] for body in practice_bodies) == events
    for body in coach_bodies:
        assert CANARY not in body.replace(f"Title {CANARY}-title", "")
    assert any(f"Title {CANARY}-title" in body for body in coach_bodies), "the coach's own webhook has titles"
    for body in practice_bodies:
        assert CANARY not in body
        assert "url" not in json.loads(body)["data"]
    reviewed = next(json.loads(b) for b in practice_bodies if json.loads(b)["event"] == "homework.reviewed")
    assert reviewed["data"]["review"]["outcome"] == "not_done"
    assert reviewed["data"]["coach"] == alice.pk
    assert practice_hook.practice_id is not None


def test_loopback_and_private_addresses_are_refused_in_production(alice: Any, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    for url in (
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ):
        with pytest.raises(UnsafeURL):
            webhook_create(by=alice, url=url, events=["homework.agreed"])
    for url in ("ftp://example.org/", "file:///etc/passwd", "https://user:pw@example.org/", "http:///x"):
        with pytest.raises(UnsafeURL):
            webhook_create(by=alice, url=url, events=["homework.agreed"])
    assert not Webhook.objects.exists()


def test_the_address_is_checked_again_at_each_delivery(alice: Any, receiver: Receiver, settings: Any) -> None:
    webhook = hook(alice, receiver)
    webhook_send_test(webhook=webhook, by=alice)
    settings.WEBHOOKS_ALLOW_PRIVATE = False  # say the name now resolves to a private address
    sending.webhooks_send()
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "waiting"
    assert "private or local" in delivery.last_error


def test_a_receiver_that_does_not_answer_in_time_is_a_failed_try(alice: Any, settings: Any) -> None:
    import socket

    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_TIMEOUT = 0.3
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts the connection, never answers
    try:
        webhook = webhook_create(
            by=alice, url=f"http://127.0.0.1:{silent.getsockname()[1]}/", events=["homework.agreed"]
        )
        webhook_send_test(webhook=webhook, by=alice)
        assert sending.webhooks_send() == 1
    finally:
        silent.close()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "waiting"
    assert delivery.status_code is None
    assert delivery.last_error


def test_two_workers_never_claim_the_same_delivery(alice: Any, receiver: Receiver) -> None:
    webhook_send_test(webhook=hook(alice, receiver), by=alice)
    now = timezone.now()
    first = sending.deliveries_claim(worker="a", now=now, lease=dt.timedelta(minutes=5), batch=10)
    second = sending.deliveries_claim(worker="b", now=now, lease=dt.timedelta(minutes=5), batch=10)
    assert len(first) == 1
    assert second == []
    # Its lease ran out (worker a crashed): another worker takes it over.
    later = now + dt.timedelta(minutes=6)
    third = sending.deliveries_claim(worker="c", now=later, lease=dt.timedelta(minutes=5), batch=10)
    assert [d.pk for d in third] == [first[0].pk]
    # Worker a's late mark changes nothing: the row is c's now.
    sending.delivery_mark(first[0], sending.Answer(status_code=200), now=later)
    assert WebhookDelivery.objects.get().status == "sending"


def test_old_finished_deliveries_are_forgotten_and_nothing_still_owed_is(alice: Any, receiver: Receiver) -> None:
    webhook = hook(alice, receiver)
    month_ago = timezone.now() - dt.timedelta(days=31)
    for status, created_at in [
        ("delivered", month_ago),
        ("failed", month_ago),
        ("waiting", month_ago),
        ("sending", month_ago),
        ("delivered", timezone.now()),
    ]:
        webhook_send_test(webhook=webhook, by=alice)
        WebhookDelivery.objects.filter(pk=WebhookDelivery.objects.latest("pk").pk).update(
            status=status, created_at=created_at
        )

    assert sending.deliveries_prune(now=timezone.now()) == 2

    left = WebhookDelivery.objects.order_by("pk")
    assert [(d.status, d.created_at < month_ago + dt.timedelta(days=1)) for d in left] == [
        ("waiting", True),
        ("sending", True),
        ("delivered", False),
    ]


def test_the_worker_step_prunes_before_it_sends(alice: Any, receiver: Receiver, settings: Any) -> None:
    settings.WEBHOOKS_KEEP_DAYS = 1
    webhook_send_test(webhook=hook(alice, receiver), by=alice)
    WebhookDelivery.objects.update(status="delivered", created_at=timezone.now() - dt.timedelta(days=2))

    sending.webhooks_send()

    assert not WebhookDelivery.objects.exists()
