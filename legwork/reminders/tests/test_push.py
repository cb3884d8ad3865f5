"""Web Push over the real protocol: a push service on loopback checks the VAPID token and the test decrypts.

The worker's own loop runs (`drain`); the push service is a tiny HTTP server on a free port that
verifies each request's ES256-signed VAPID token against our public key, and the payload is
decrypted with the subscription's private key and auth secret (http_ece, aes128gcm).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_homework, make_user
from legwork.homework.models import Homework
from legwork.lib.rules import RuleBroken
from legwork.reminders.models import DailyEmail, Kind, OutboxMessage, PushSubscription, Reminder
from legwork.reminders.outbox import BACKOFF
from legwork.reminders.push import push_revoke, push_subscribe, vapid_public_key

from .conftest import drain, set_prefs
from .push_service import Browser, PushService, running_push_service

UTC = dt.UTC
NOON = dt.datetime(2026, 1, 14, 12, tzinfo=UTC)  # a Wednesday; London is on GMT


@pytest.fixture
def push_service(settings: Any) -> Iterator[PushService]:
    settings.PUSH_SERVICES = ["127.0.0.1"]
    settings.PUSH_ALLOW_HTTP = True
    yield from running_push_service()


def device(user: Any, service: PushService, path: str, browser: Browser | None = None) -> tuple[Any, Browser]:
    browser = browser or Browser()
    subscription = push_subscribe(
        user=user, endpoint=service.origin + path, p256dh=browser.p256dh, auth=browser.auth, device="Firefox on Android"
    )
    return subscription, browser


def homework_waiting(engagement: Any, key: str = "hw") -> Reminder:
    make_homework(engagement, "Send the CV to Acme", status=Homework.Status.PROPOSED)
    return Reminder.objects.create(recipient=engagement.client, kind=Kind.HOMEWORK_WAITING, due_at=NOON, dedupe_key=key)


def test_a_device_gets_the_title_and_link_signed_and_encrypted_and_an_expired_one_is_dropped(
    alice_bob: Any, push_service: PushService
) -> None:
    bob = alice_bob.client
    set_prefs(bob, push_on=True)
    phone, phone_keys = device(bob, push_service, "/send/phone")
    expired, _ = device(bob, push_service, "/gone/old-laptop")
    revoked, _ = device(bob, push_service, "/send/revoked")
    push_revoke(subscription=revoked)
    with time_machine.travel(NOON, tick=False):
        reminder = homework_waiting(alice_bob)
        drain()
        drain()  # a second pass sends nothing again
    [delivered] = push_service.at("/send/phone")
    assert delivered.problem == ""
    assert delivered.key == vapid_public_key()
    assert delivered.claims is not None
    assert delivered.claims["sub"] == settings.VAPID_SUBJECT
    assert delivered.headers["content-encoding"] == "aes128gcm"
    assert int(delivered.headers["ttl"]) > 0
    assert phone_keys.decrypt(delivered.body) == {
        "title": "New homework for you",
        "link": "/",
        "tag": f"reminder-{reminder.pk}",
    }
    assert b"Send the CV" not in delivered.body  # encrypted: the push service reads nothing
    assert push_service.at("/send/revoked") == []
    assert len(push_service.at("/gone/old-laptop")) == 1  # asked once, answered 410, never again
    expired.refresh_from_db()
    phone.refresh_from_db()
    assert expired.dropped_at is not None
    assert phone.last_success_at == NOON
    assert phone.dropped_at is None
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT  # the email and one device took it
    assert [m.to for m in mail.outbox] == [[bob.email]]
    assert DailyEmail.objects.filter(user=bob).count() == 1  # two channels, one of the day's slots
    rows = dict(OutboxMessage.objects.filter(reminder=reminder).values_list("push_subscription_id", "status"))
    assert rows == {
        None: OutboxMessage.Status.SENT,
        phone.pk: OutboxMessage.Status.SENT,
        expired.pk: OutboxMessage.Status.FAILED,
    }


def test_a_device_turned_off_after_the_notification_was_queued_gets_nothing(
    alice_bob: Any, push_service: PushService
) -> None:
    bob = alice_bob.client
    set_prefs(bob, push_on=True, email_on=False)
    phone, _ = device(bob, push_service, "/send/phone")
    with time_machine.travel(NOON, tick=False):
        reminder = homework_waiting(alice_bob)
        from legwork.reminders.dispatch import reminders_dispatch

        reminders_dispatch(now=NOON)
        assert OutboxMessage.objects.get(reminder=reminder).status == OutboxMessage.Status.WAITING
        push_revoke(subscription=phone)
        drain()
    assert push_service.received == []
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED


def test_a_push_service_error_is_tried_again_with_the_outboxs_back_off(
    alice_bob: Any, push_service: PushService
) -> None:
    bob = alice_bob.client
    set_prefs(bob, push_on=True, email_on=False)
    broken, _ = device(bob, push_service, "/broken/phone")
    with time_machine.travel(NOON, tick=False) as traveller:
        homework_waiting(alice_bob)
        drain()
        row = OutboxMessage.objects.get(push_subscription=broken)
        assert row.status == OutboxMessage.Status.WAITING
        assert row.failures == 1
        assert row.next_attempt_at == NOON + BACKOFF[0]
        traveller.shift(BACKOFF[0])
        drain()
    assert len(push_service.at("/broken/phone")) == 2
    broken.refresh_from_db()
    assert broken.dropped_at is None  # a 500 is the service's trouble, not a gone subscription


def test_push_only_keeps_the_quiet_hours_and_the_daily_limit(alice_bob: Any, push_service: PushService) -> None:
    bob = alice_bob.client
    set_prefs(bob, push_on=True, email_on=False, quiet_from=21, quiet_until=7, emails_per_day=1)
    device(bob, push_service, "/send/phone")
    night = dt.datetime(2026, 1, 14, 22, tzinfo=UTC)
    with time_machine.travel(night, tick=False) as traveller:
        make_homework(alice_bob, "Send the CV to Acme", status=Homework.Status.PROPOSED)
        first = Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=night, dedupe_key="a")
        drain()
        assert push_service.received == []  # quiet hours: it waits
        first.refresh_from_db()
        assert first.due_at == dt.datetime(2026, 1, 15, 7, tzinfo=UTC)
        traveller.move_to(first.due_at)
        drain()
        assert len(push_service.received) == 1
        second = Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=first.due_at, dedupe_key="b")
        drain()
    assert len(push_service.received) == 1  # one a day: the second waits in the inbox
    second.refresh_from_db()
    assert second.status == Reminder.Status.INBOX


def test_no_device_and_no_email_is_the_inbox_only(alice_bob: Any, push_service: PushService) -> None:
    bob = alice_bob.client
    set_prefs(bob, push_on=True, email_on=False)
    with time_machine.travel(NOON, tick=False):
        reminder = homework_waiting(alice_bob)
        drain()
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.INBOX
    assert not OutboxMessage.objects.exists()


def test_settling_reads_the_devices_of_a_batch_in_one_query(alice_bob: Any, push_service: PushService) -> None:
    def settle(count: int) -> int:
        Reminder.objects.all().delete()
        for index in range(count):
            person = make_user(f"client{count}-{index}@example.com")
            set_prefs(person, push_on=True, email_on=False)
            device(person, push_service, f"/send/{count}-{index}")
            Reminder.objects.create(
                recipient=person, kind=Kind.DIGEST, due_at=NOON, dedupe_key=f"d{count}-{index}", title="Your week"
            )
        from legwork.reminders.dispatch import _devices
        from legwork.reminders.planning import preferences_map

        prefs = preferences_map(Reminder.objects.values_list("recipient_id", flat=True))
        with CaptureQueriesContext(connection) as queries:
            found = _devices(prefs)
        assert sum(len(d) for d in found.values()) == count
        return len(queries)

    assert settle(2) == settle(6) == 1


def test_only_a_known_push_service_over_https_is_accepted(bob: Any, settings: Any) -> None:
    browser = Browser()
    settings.PUSH_SERVICES = ["push.services.mozilla.com"]
    settings.PUSH_ALLOW_HTTP = False
    ok = push_subscribe(
        user=bob,
        endpoint="https://updates.push.services.mozilla.com/wpush/v2/abc",
        p256dh=browser.p256dh,
        auth=browser.auth,
    )
    assert ok.is_active
    for endpoint in [
        "http://updates.push.services.mozilla.com/wpush/v2/abc",  # not HTTPS
        "https://127.0.0.1:5432/",  # an internal address
        "https://evilpush.services.mozilla.com.example/x",  # only the service's own domain
    ]:
        with pytest.raises(RuleBroken):
            push_subscribe(user=bob, endpoint=endpoint, p256dh=browser.p256dh, auth=browser.auth)
    with pytest.raises(RuleBroken):
        push_subscribe(
            user=bob, endpoint="https://updates.push.services.mozilla.com/x", p256dh="short", auth=browser.auth
        )


def test_the_same_browser_turned_on_by_someone_else_stops_telling_the_first(
    bob: Any, dan: Any, push_service: PushService
) -> None:
    browser = Browser()
    first, _ = device(bob, push_service, "/send/shared", browser)
    second, _ = device(dan, push_service, "/send/shared", browser)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.is_active
    again, _ = device(dan, push_service, "/send/shared", browser)
    assert again.pk == second.pk
    assert PushSubscription.objects.active().count() == 1
