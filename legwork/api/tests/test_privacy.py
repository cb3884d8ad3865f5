"""Every API operation on someone else's object answers 404 and changes nothing; the wrong role gets 403.

Driven by the router, so a new operation is probed the day it is added: a path
this file cannot fill, or a write without a sample body, fails here.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from legwork.accounts.models import User
from legwork.api.endpoints import router
from legwork.api.router import Operation
from legwork.coaching.models import Engagement
from legwork.exports.services import client_export, coach_export

from .conftest import EXERCISE_DOCUMENT, World, token_client

WITH_IDS = [operation for operation in router.operations if operation.parameters]


def sample_body(world: World, operation: Operation) -> dict[str, Any] | None:
    """A body the operation would accept from the right person: what a probe would do if a gate were missing."""
    in_a_week = (timezone.now() + dt.timedelta(days=7)).isoformat()
    yesterday_nine = timezone.now().astimezone(world.block.zone).replace(hour=9, minute=0, second=0, microsecond=0)
    yesterday_nine -= dt.timedelta(days=1)
    samples: dict[tuple[str, str], dict[str, Any] | None] = {
        ("POST", "/engagements/{id}/status"): {"status": "paused"},
        ("POST", "/engagements/{id}/goals"): {"title": "Sneaky goal"},
        ("POST", "/engagements/{id}/sessions"): {"scheduled_at": in_a_week, "duration_minutes": 60},
        ("POST", "/sessions/{id}/notes"): {"shared_notes": "sneaky"},
        ("POST", "/sessions/{id}/private-notes"): {"private_notes": "sneaky"},
        ("POST", "/sessions/{id}/status"): {"status": "cancelled"},
        ("POST", "/sessions/{id}/agenda"): {"text": "sneaky"},
        ("POST", "/sessions/{id}/agenda/{item_id}/resolve"): None,
        ("POST", "/sessions/{id}/review/{homework_id}"): {"outcome": "done"},
        ("POST", "/sessions/{id}/wrap-up"): {"homework": [{"title": "Sneaky", "purpose": "act"}]},
        ("PUT", "/sessions/{id}/reflection"): {"what_i_did": "sneaky"},
        ("PATCH", "/homework/{id}"): {"title": "Sneaky"},
        ("POST", "/homework/{id}/confirm"): None,
        ("POST", "/homework/{id}/change"): {"note": "sneaky"},
        ("POST", "/homework/{id}/progress"): {"note": "sneaky"},
        ("POST", "/homework/{id}/thread"): {"body": "sneaky"},
        ("POST", "/homework/{id}/thread/keep"): {"body": "sneaky"},
        ("POST", "/progress/{id}/acknowledge"): {"word": "sneaky"},
        ("POST", "/sessions/{id}/reflection/acknowledge"): {"word": "sneaky"},
        ("POST", "/homework/{id}/answers"): {"answers": {"strengths": ["sneaky"]}},
        ("PUT", "/exercises/{id}"): {**EXERCISE_DOCUMENT, "title": "Sneaky"},
        ("POST", "/exercises/{id}/duplicate"): None,
        ("POST", "/exercises/{id}/archive"): None,
        ("POST", "/exercises/{id}/unarchive"): None,
        ("POST", "/exercises/{id}/share"): None,
        ("POST", "/exercises/{id}/unshare"): None,
        ("POST", "/exercises/{id}/propose"): {"engagement": world.engagement.pk},
        ("PUT", "/homework/{id}/quality"): {"how_well": 1, "usefulness": 1, "word": "sneaky"},
        ("PUT", "/engagements/{id}/check-ins"): {"keys": ["energy"]},
        ("PUT", "/sessions/{id}/check-ins"): {"answers": []},
        ("POST", "/homework/{id}/steps"): {"anchor": 0, "strategy": 0},
        ("POST", "/check-in-scales/{id}/share"): None,
        ("POST", "/check-in-scales/{id}/unshare"): None,
        ("PATCH", "/journal/{id}"): {"title": "Sneaky"},
        ("DELETE", "/journal/{id}"): None,
        ("POST", "/journal/{id}/share"): {"engagement": world.engagement.pk},
        ("POST", "/journal/{id}/unshare"): None,
        ("PATCH", "/thinking-time/{id}"): {"note": "sneaky"},
        ("POST", "/thinking-time/{id}/active"): {"active": False},
        ("POST", "/thinking-time/{id}/mark"): {"starts_at": yesterday_nine.isoformat(), "status": "skipped"},
        ("PATCH", "/webhooks/{id}"): {"url": "https://sneaky.example.org/"},
        ("DELETE", "/webhooks/{id}"): None,
        ("POST", "/webhooks/{id}/test"): None,
        ("POST", "/webhooks/{id}/secret"): None,
    }
    if operation.method == "GET":
        return None
    assert (operation.method, operation.path) in samples, f"give {operation.method} {operation.path} a sample body"
    return samples[(operation.method, operation.path)]


def snapshot(world: World) -> str:
    """Everything alice and bob have, as their exports hold it (less the moment it was taken)."""
    parts = [client_export(client=world.bob), coach_export(coach=world.alice)]
    for part in parts:
        part.pop("exported_at")
    # The export leaves out a webhook's secret and its deliveries: a probe must not change them either.
    hooks = [(hook.secret, hook.deliveries.count()) for hook in world.alice.webhooks.order_by("pk")]
    return json.dumps([parts, hooks], sort_keys=True)


def probe(client: Any, world: World, operation: Operation) -> Any:
    return client.send(operation.method, world.url(operation.path), sample_body(world, operation))


def test_every_operation_with_an_id_is_probed_here() -> None:
    prefixes = {
        "engagements",
        "sessions",
        "homework",
        "exercises",
        "journal",
        "thinking-time",
        "progress",
        "check-in-scales",
        "webhooks",
        "practice",
    }
    assert {operation.path.split("/")[1] for operation in WITH_IDS} <= prefixes


@pytest.mark.parametrize("who", ["carol", "olive", "frank"])
def test_another_coach_gets_404_for_everything_of_alices(
    world: World, carol: User, carol_dan: Engagement, olive: User, frank: User, who: str
) -> None:
    """Carol coaches elsewhere; olive is an admin of alice's practice and frank a second coach of it:
    being in the same practice opens nothing of a colleague's clients."""
    before = snapshot(world)
    client = token_client({"carol": carol, "olive": olive, "frank": frank}[who])
    for operation in WITH_IDS:
        if who == "olive" and operation.path.startswith("/practice/"):
            # Her practice's coaches are hers to count (legwork/api/tests/test_practice.py): counts, no content.
            assert "canary" not in probe(client, world, operation).content.decode()
            continue
        response = probe(client, world, operation)
        assert response.status_code == 404, f"{who}: {operation.method} {operation.path} → {response.status_code}"
        assert response.json() == {"error": "Not found."}
    assert snapshot(world) == before
    # Nor do the lists: none of bob's content in anything they can list.
    lists = ["engagements", "journal", "exercises", "check-in-scales", "webhooks", "practice", "practice/coaches"]
    for url in (f"/api/v1/{name}" for name in lists):
        body = client.get(url).content.decode()
        assert "canary" not in body, (who, url)
        assert "Call Dana" not in body, (who, url)


@pytest.mark.parametrize("who", ["dan", "eve"])
def test_another_client_and_a_stranger_get_404_for_everything_of_bobs(
    world: World, carol_dan: Engagement, dan: User, eve: User, who: str
) -> None:
    before = snapshot(world)
    client = token_client(dan if who == "dan" else eve)
    for operation in WITH_IDS:
        response = probe(client, world, operation)
        # The libraries are for coaches: a client is told so before anything in them is looked up.
        expected = 403 if operation.path.startswith(("/exercises", "/check-in-scales")) else 404
        assert response.status_code == expected, f"{who}: {operation.method} {operation.path}"
    assert snapshot(world) == before


def test_the_coach_cannot_reach_the_clients_unshared_entry_nor_his_thinking_time(world: World) -> None:
    before = snapshot(world)
    client = token_client(world.alice)
    for operation in WITH_IDS:
        if operation.path.startswith(("/journal/", "/thinking-time/")):
            response = probe(client, world, operation)
            assert response.status_code == 404, f"{operation.method} {operation.path}"
    assert snapshot(world) == before
    assert "canary-unshared-4f1a" not in client.get("/api/v1/journal").content.decode()
    shared = client.get(f"/api/v1/engagements/{world.engagement.pk}/journal").json()["results"]
    assert [entry["body"] for entry in shared] == ["What energises me"]


def test_a_shared_entry_is_read_only_for_the_coach(world: World) -> None:
    client = token_client(world.alice)
    url = f"/api/v1/journal/{world.shared_entry.pk}"
    assert client.get(url).json()["body"] == "What energises me"
    for method, path, body in [
        ("PATCH", url, {"title": "Edited by the coach"}),
        ("DELETE", url, None),
        ("POST", url + "/unshare", None),
        ("POST", url + "/share", {"engagement": world.engagement.pk}),
    ]:
        assert client.send(method, path, body).status_code == 403, (method, path)
    world.shared_entry.refresh_from_db()
    assert (world.shared_entry.title, world.shared_entry.shared_with_id) == ("For Alice", world.engagement.pk)


def test_unsharing_takes_the_entry_out_of_the_coachs_api_at_once(world: World) -> None:
    coach = token_client(world.alice)
    url = f"/api/v1/journal/{world.shared_entry.pk}"
    assert coach.get(url).status_code == 200
    assert token_client(world.bob).post(url + "/unshare").status_code == 200
    assert coach.get(url).status_code == 404
    assert coach.get(f"/api/v1/engagements/{world.engagement.pk}/journal").json()["results"] == []


@pytest.mark.parametrize("role", ["coach", "client"])
def test_the_other_role_gets_403_and_changes_nothing(world: World, role: str) -> None:
    """A client's action asked by the coach (or the reverse) answers 403, as the pages do."""
    before = snapshot(world)
    wrong = token_client(world.bob if role == "coach" else world.alice)
    operations = [op for op in router.operations if op.role == role and op.parameters]
    assert operations
    for operation in operations:
        response = probe(wrong, world, operation)
        assert response.status_code == 403, f"{operation.method} {operation.path} → {response.status_code}"
    assert snapshot(world) == before


def test_the_private_notes_reach_the_coach_only_on_every_route_that_shows_a_session(world: World) -> None:
    urls = [
        f"/api/v1/sessions/{world.session.pk}",
        f"/api/v1/engagements/{world.engagement.pk}/sessions",
        f"/api/v1/engagements/{world.engagement.pk}",
    ]
    for url in urls:
        assert "canary-private-2b7e" not in token_client(world.bob).get(url).content.decode(), url
    assert "canary-private-2b7e" in token_client(world.alice).get(urls[0]).content.decode()
    assert "canary-private-2b7e" in token_client(world.alice).get(urls[1]).content.decode()


def test_the_blind_rule_holds_through_the_api(world: World) -> None:
    """The client's rating of a homework reaches the coach only once the coach has rated too."""
    from legwork.quality.services import quality_rate

    quality_rate(homework=world.homework, by=world.bob, how_well=4, usefulness=1, word="canary-rating-9c3d")
    url = f"/api/v1/homework/{world.homework.pk}/quality"
    coach = token_client(world.alice)
    answer = coach.get(url).json()
    assert (answer["revealed"], answer["ratings"], answer["waiting_for"]) == (False, [], ["coach"])
    for where in (url, f"/api/v1/homework/{world.homework.pk}", f"/api/v1/engagements/{world.engagement.pk}"):
        assert "canary-rating-9c3d" not in coach.get(where).content.decode(), where
    assert "canary-rating-9c3d" not in json.dumps(coach_export(coach=world.alice))
    assert "canary-rating-9c3d" in json.dumps(client_export(client=world.bob))
    assert token_client(world.bob).get(url).json()["ratings"][0]["word"] == "canary-rating-9c3d"
