"""Push on the devices page: turning it on for this browser, listing and turning off, and signing out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from legwork.reminders.models import PushSubscription
from legwork.reminders.push import vapid_public_key
from legwork.reminders.tests.push_service import Browser

pytestmark = pytest.mark.django_db
ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/"
ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"


def signed_in(user: Any) -> Client:
    client = Client(headers={"user-agent": ANDROID_FIREFOX})
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    return client


def turn_on(client: Client, endpoint: str = ENDPOINT + "bob-phone", browser: Browser | None = None) -> Any:
    browser = browser or Browser()
    body = {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": browser.p256dh, "auth": browser.auth}}
    return client.post(reverse("phone_push_on"), json.dumps(body), content_type="application/json")


def test_a_browser_turns_push_on_and_the_devices_page_lists_it_with_the_key_to_subscribe_with(bob: Any) -> None:
    client = signed_in(bob)
    response = turn_on(client)
    assert response.status_code == 201
    device = PushSubscription.objects.get(user=bob)
    assert device.device == "Firefox on Android"
    assert device.session_key == client.session.session_key
    page = client.get(reverse("devices")).content.decode()
    assert "Firefox on Android" in page
    assert f'data-key="{vapid_public_key()}"' in page
    assert reverse("phone_push_off", args=[device.pk]) in page


def test_bad_subscriptions_are_refused_with_a_reason_and_nothing_saved(bob: Any) -> None:
    client = signed_in(bob)
    assert client.post(reverse("phone_push_on"), "{", content_type="application/json").status_code == 400
    assert client.post(reverse("phone_push_on"), "[]", content_type="application/json").status_code == 400
    refused = turn_on(client, endpoint="https://10.0.0.5/internal")
    assert refused.status_code == 400
    assert refused.json()["errors"]["endpoint"]
    assert not PushSubscription.objects.exists()


def test_signed_out_nobody_turns_push_on(bob: Any) -> None:
    assert turn_on(Client()).status_code == 302
    assert not PushSubscription.objects.exists()


def test_a_device_is_turned_off_by_its_owner_only(bob: Any, dan: Any) -> None:
    turn_on(signed_in(bob))
    device = PushSubscription.objects.get(user=bob)
    dans = signed_in(dan)
    assert dans.post(reverse("phone_push_off", args=[device.pk])).status_code == 404
    assert reverse("phone_push_off", args=[device.pk]) not in dans.get(reverse("devices")).content.decode()
    device.refresh_from_db()
    assert device.is_active
    bobs = signed_in(bob)
    assert bobs.post(reverse("phone_push_off", args=[device.pk])).status_code == 302
    device.refresh_from_db()
    assert device.revoked_at is not None
    page = bobs.get(reverse("devices")).content.decode()
    assert "No device has notifications on." in page


def test_signing_out_turns_off_the_push_turned_on_in_that_sign_in_only(bob: Any) -> None:
    phone, laptop = signed_in(bob), signed_in(bob)
    turn_on(phone, ENDPOINT + "phone")
    turn_on(laptop, ENDPOINT + "laptop")
    phone.post(reverse("account_logout"))
    active = list(PushSubscription.objects.active().values_list("endpoint", flat=True))
    assert active == [ENDPOINT + "laptop"]


def test_signing_out_that_device_from_another_turns_off_its_push_and_no_other(bob: Any) -> None:
    phone, laptop, tablet = signed_in(bob), signed_in(bob), signed_in(bob)
    turn_on(phone, ENDPOINT + "phone")
    turn_on(laptop, ENDPOINT + "laptop")
    turn_on(tablet, ENDPOINT + "tablet")
    phones_sign_in = UserSession.objects.get(session_key=phone.session.session_key)
    assert laptop.post(reverse("devices"), {"session": phones_sign_in.pk}).status_code == 302
    assert sorted(PushSubscription.objects.active().values_list("endpoint", flat=True)) == [
        ENDPOINT + "laptop",
        ENDPOINT + "tablet",
    ]
    # "Sign out all other devices" turns off every other sign-in's push, and keeps this one's.
    laptop.post(reverse("devices"), {"others": "1"})
    assert list(PushSubscription.objects.active().values_list("endpoint", flat=True)) == [ENDPOINT + "laptop"]
    assert phone.get(reverse("devices")).status_code == 302  # that phone is signed out too


def test_the_service_worker_shows_and_opens_notifications(db: Any) -> None:
    body = Client().get("/sw.js").content.decode()
    assert 'addEventListener("push"' in body
    assert "showNotification" in body
    assert "openWindow" in body
