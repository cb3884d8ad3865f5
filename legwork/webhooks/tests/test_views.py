"""The webhook pages: adding one (errors kept by the field), its secret shown once, the log, the gate."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from legwork.webhooks import delivery as sending
from legwork.webhooks.models import Webhook, WebhookDelivery
from legwork.webhooks.services import webhook_create

from .conftest import Receiver

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add(client: Client, url: str, **extra: Any) -> Any:
    return client.post(
        reverse("webhooks"), {"url": url, "events": ["homework.agreed", "progress.logged"], **extra}, follow=True
    )


def test_a_coach_adds_a_webhook_sees_its_secret_once_and_sends_a_test_event(alice: Any, receiver: Receiver) -> None:
    client = signed_in(alice)
    response = add(client, receiver.url, description="My CRM")
    webhook = Webhook.objects.get()
    assert (webhook.coach, webhook.events, webhook.description) == (
        alice,
        ["homework.agreed", "progress.logged"],
        "My CRM",
    )
    assert response.redirect_chain[-1][0] == webhook.get_absolute_url()
    assert webhook.secret in response.content.decode()
    again = client.get(webhook.get_absolute_url()).content.decode()
    assert webhook.secret not in again, "shown once"
    assert webhook.secret in client.post(reverse("webhook_secret", args=[webhook.pk]), follow=True).content.decode()

    client.post(reverse("webhook_test", args=[webhook.pk]))
    assert receiver.received == [], "queued, not sent in the request"
    sending.webhooks_send()
    assert len(receiver.received) == 1
    page = client.get(webhook.get_absolute_url()).content.decode()
    assert "HTTP 200" in page
    assert str(WebhookDelivery.objects.get().delivery_id) in page


def test_a_refused_url_is_kept_with_the_message_by_the_field(alice: Any, settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    client = signed_in(alice)
    response = client.post(reverse("webhooks"), {"url": "http://127.0.0.1:5432/x", "events": ["progress.logged"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="http://127.0.0.1:5432/x"' in page
    assert "private or local address" in page
    response = client.post(reverse("webhooks"), {"url": "gopher://example.org/"})
    assert response.status_code == 400
    assert "Choose at least one event." in response.content.decode()
    assert not Webhook.objects.exists()


def test_rotating_the_secret_changes_it(alice: Any, receiver: Receiver) -> None:
    client = signed_in(alice)
    add(client, receiver.url)
    webhook = Webhook.objects.get()
    old = webhook.secret
    response = client.post(reverse("webhook_secret", args=[webhook.pk]), {"rotate": "yes"}, follow=True)
    webhook.refresh_from_db()
    assert webhook.secret != old
    assert webhook.secret in response.content.decode()


def test_turning_a_webhook_back_on_starts_its_failures_afresh(alice: Any, receiver: Receiver) -> None:
    client = signed_in(alice)
    add(client, receiver.url)
    webhook = Webhook.objects.get()
    Webhook.objects.filter(pk=webhook.pk).update(active=False, consecutive_failures=20, disabled_reason="20 failed")
    response = client.post(
        webhook.get_absolute_url(), {"url": receiver.url, "events": ["homework.agreed"], "active": "on"}
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert webhook.active
    assert webhook.consecutive_failures == 0
    assert webhook.events == ["homework.agreed"]


def test_another_coach_gets_404_on_every_webhook_page(alice: Any, carol: Any, frank: Any, receiver: Receiver) -> None:
    add(signed_in(alice), receiver.url)
    webhook = Webhook.objects.get()
    for other in (carol, frank):
        client = signed_in(other)
        assert client.get(webhook.get_absolute_url()).status_code == 404
        for name in ("webhook_test", "webhook_secret", "webhook_delete"):
            assert client.post(reverse(name, args=[webhook.pk])).status_code == 404
        assert (
            client.post(
                webhook.get_absolute_url(), {"url": "https://evil.example/", "events": ["homework.agreed"]}
            ).status_code
            == 404
        )
        assert receiver.url not in client.get(reverse("webhooks")).content.decode()
    webhook.refresh_from_db()
    assert webhook.url == receiver.url
    assert not webhook.deliveries.exists()


def test_a_client_has_no_webhooks(bob: Any) -> None:
    assert signed_in(bob).get(reverse("webhooks")).status_code == 403


def test_a_practice_admin_adds_a_practice_webhook_other_admins_see_it_coaches_do_not(
    alice: Any, olive: Any, frank: Any, receiver: Receiver
) -> None:
    client = signed_in(olive)
    assert "For the whole practice" in client.get(reverse("webhooks")).content.decode()
    add(client, receiver.url, for_practice="on")
    webhook = Webhook.objects.get()
    assert webhook.coach is None
    assert webhook.practice_id is not None
    assert signed_in(alice).get(webhook.get_absolute_url()).status_code == 200  # alice owns the practice
    assert signed_in(frank).get(webhook.get_absolute_url()).status_code == 404
    # A coach who is not an admin is not offered the choice, and the rule refuses it all the same.
    assert "For the whole practice" not in signed_in(frank).get(reverse("webhooks")).content.decode()
    with pytest.raises(PermissionDenied):
        webhook_create(by=frank, url=receiver.url, events=["homework.agreed"], for_practice=True)
    assert Webhook.objects.count() == 1
