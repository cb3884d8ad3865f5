"""The webhook routes: the same gate and rules as the /webhooks/ pages, the secret shown only when it is new."""

from __future__ import annotations

from typing import Any

import pytest

from legwork.accounts.models import User
from legwork.webhooks.models import Webhook, WebhookDelivery

HOOK = "http://127.0.0.1:9/legwork-hook"


@pytest.fixture(autouse=True)
def _loopback_allowed(settings: Any) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE = True


def add(api: Any, user: User, **body: Any) -> Any:
    return api(user).send("POST", "/api/v1/webhooks", {"url": HOOK, "events": ["homework.agreed"], **body})


def test_a_coach_adds_reads_changes_tests_and_removes_a_webhook(api: Any, alice: User) -> None:
    made = add(api, alice, description="CRM")
    assert made.status_code == 201
    secret, hook = made.json()["secret"], made.json()["webhook"]
    assert secret.startswith("whsec_")
    assert secret == Webhook.objects.get().secret
    url = f"/api/v1/webhooks/{hook['id']}"
    coach = api(alice)
    assert "secret" not in coach.get(url).json()
    assert [item["id"] for item in coach.get("/api/v1/webhooks").json()["results"]] == [hook["id"]]

    changed = coach.send("PATCH", url, {"active": False, "events": ["progress.logged", "homework.reviewed"]})
    assert changed.status_code == 200
    assert changed.json()["active"] is False
    assert changed.json()["events"] == ["progress.logged", "homework.reviewed"]
    assert changed.json()["url"] == HOOK
    assert changed.json()["description"] == "CRM"

    queued = coach.send("POST", f"{url}/test")
    assert queued.status_code == 201
    assert (queued.json()["event"], queued.json()["status"]) == ("ping", "waiting")
    log = coach.get(f"{url}/deliveries").json()["results"]
    assert [item["id"] for item in log] == [queued.json()["id"]]
    assert "payload" not in log[0]

    replaced = coach.send("POST", f"{url}/secret")
    assert replaced.status_code == 200
    assert replaced.json()["secret"] != secret == made.json()["secret"]
    assert Webhook.objects.get().secret == replaced.json()["secret"]

    assert coach.send("DELETE", url).status_code == 204
    assert not Webhook.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(api: Any, alice: User, settings: Any) -> None:
    for body, field in [
        ({"url": HOOK, "events": []}, "events"),
        ({"url": HOOK, "events": ["homework.deleted"]}, "events"),
        ({"url": "ftp://example.org/x", "events": ["homework.agreed"]}, "url"),
        ({"events": ["homework.agreed"]}, "url"),
    ]:
        answer = api(alice).send("POST", "/api/v1/webhooks", body)
        assert answer.status_code == 400, body
        assert field in answer.json()["fields"], body
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    answer = add(api, alice)
    assert answer.status_code == 400
    assert "url" in answer.json()["fields"]
    assert not Webhook.objects.exists()


def test_only_an_admin_makes_a_practice_webhook_and_only_admins_see_it(
    api: Any, alice: User, olive: User, frank: User
) -> None:
    assert add(api, frank, for_practice=True).status_code == 403
    made = add(api, olive, for_practice=True).json()["webhook"]
    assert made["for_practice"] is True
    assert api(alice).get(f"/api/v1/webhooks/{made['id']}").status_code == 200  # alice owns the practice
    assert api(frank).get(f"/api/v1/webhooks/{made['id']}").status_code == 404
    assert api(frank).get("/api/v1/webhooks").json()["results"] == []


def test_another_coach_or_a_client_cannot_reach_a_webhook(api: Any, alice: User, bob: User, carol: User) -> None:
    made = add(api, alice).json()
    url = f"/api/v1/webhooks/{made['webhook']['id']}"
    for stranger in (carol, bob):
        other = api(stranger)
        assert other.get(url).status_code == 404
        assert other.send("PATCH", url, {"active": False}).status_code == 404
        assert other.send("POST", f"{url}/secret").status_code == 404
        assert other.send("POST", f"{url}/test").status_code == 404
        assert other.get(f"{url}/deliveries").status_code == 404
        assert other.send("DELETE", url).status_code == 404
    assert api(carol).get("/api/v1/webhooks").json()["results"] == []
    assert api(bob).get("/api/v1/webhooks").status_code == 403
    assert add(api, bob).status_code == 403
    hook = Webhook.objects.get()
    assert (hook.active, hook.secret) == (True, made["secret"])
    assert not WebhookDelivery.objects.exists()
