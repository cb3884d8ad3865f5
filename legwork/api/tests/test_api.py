from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_homework, make_session
from legwork.accounts.models import User
from legwork.api.models import ApiToken
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, ProgressEntry


def api(user: User) -> Client:
    _, token = ApiToken.issue(user=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


def post_json(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def homework(alice_bob: Engagement) -> Homework:
    return make_homework(alice_bob, status=Homework.Status.CONFIRMED, created_at=timezone.now() - dt.timedelta(days=3))


def test_it_refuses_requests_without_a_valid_token(homework: Homework) -> None:
    for headers in ({}, {"Authorization": "Bearer lw_nope"}, {"Authorization": "Basic abc"}):
        response = Client(headers=headers).get(f"/api/v1/homework/{homework.pk}")
        assert response.status_code == 401
        assert "token" in response.json()["error"]


def test_a_revoked_token_stops_working_at_once(bob: User) -> None:
    api_token, token = ApiToken.issue(user=bob, name="phone")
    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/me").status_code == 200
    api_token.revoke()
    assert client.get("/api/v1/me").status_code == 401


def test_it_stores_only_a_hash_of_the_token(bob: User) -> None:
    api_token, token = ApiToken.issue(user=bob, name="phone")
    assert token not in api_token.token_hash
    assert ApiToken.objects.filter(token_hash__contains=token[3:12]).count() == 0


def test_it_lists_only_your_own_engagements(alice_bob: Engagement, carol_dan: Engagement, alice: User) -> None:
    body = api(alice).get("/api/v1/engagements").json()
    assert [item["id"] for item in body["results"]] == [alice_bob.pk]


def test_another_coach_gets_404_for_every_object(homework: Homework, carol: User, carol_dan: Engagement) -> None:
    session = make_session(homework.engagement)
    client = api(carol)
    for url in (
        f"/api/v1/engagements/{homework.engagement_id}",
        f"/api/v1/engagements/{homework.engagement_id}/homework",
        f"/api/v1/sessions/{session.pk}",
        f"/api/v1/homework/{homework.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"error": "Not found."}
    assert post_json(client, f"/api/v1/homework/{homework.pk}/progress", {"note": "x"}).status_code == 404


def test_another_client_gets_404_and_cannot_log_progress(homework: Homework, dan: User, carol_dan: Engagement) -> None:
    client = api(dan)
    assert client.get(f"/api/v1/homework/{homework.pk}").status_code == 404
    assert post_json(client, f"/api/v1/homework/{homework.pk}/progress", {"note": "x"}).status_code == 404
    assert not ProgressEntry.objects.exists()


def test_a_coach_cannot_do_the_clients_actions(homework: Homework, alice: User) -> None:
    client = api(alice)
    assert post_json(client, f"/api/v1/homework/{homework.pk}/progress", {"note": "x"}).status_code == 403
    assert client.post(f"/api/v1/homework/{homework.pk}/confirm").status_code == 403


def test_a_client_cannot_list_a_coachs_clients(bob: User, alice_bob: Engagement) -> None:
    assert api(bob).get("/api/v1/coach/clients").status_code == 403


def test_private_session_notes_reach_the_coach_only(alice_bob: Engagement, alice: User, bob: User) -> None:
    session = make_session(alice_bob, private_notes="canary-private-7f3a", shared_notes="shared words")
    assert api(alice).get(f"/api/v1/sessions/{session.pk}").json()["private_notes"] == "canary-private-7f3a"
    response = api(bob).get(f"/api/v1/sessions/{session.pk}")
    assert response.json()["shared_notes"] == "shared words"
    assert "canary-private-7f3a" not in response.content.decode()


def test_the_client_logs_progress_and_the_server_stamps_when(homework: Homework, bob: User) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = post_json(
        api(bob),
        f"/api/v1/homework/{homework.pk}/progress",
        {"note": "Called Dana", "minutes": 20, "occurred_on": yesterday.isoformat()},
    )
    assert response.status_code == 201
    entry = ProgressEntry.objects.get()
    assert (entry.note, entry.minutes, entry.occurred_on) == ("Called Dana", 20, yesterday)
    assert abs(entry.written_at - timezone.now()) < dt.timedelta(minutes=1)
    assert response.json()["written_at"] == entry.written_at.isoformat()


def test_the_client_confirms_a_proposal(alice_bob: Engagement, bob: User) -> None:
    proposal = make_homework(alice_bob)
    response = api(bob).post(f"/api/v1/homework/{proposal.pk}/confirm")
    assert response.status_code == 200
    assert response.json()["status"] == "confirmed"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "x" * 5001}, "note"),
        ({"note": 12}, "note"),
        ({"minutes": "ten"}, "minutes"),
        ({"minutes": 0}, "minutes"),
        ({"minutes": True}, "minutes"),
        ({"note": "ok", "occurred_on": "2026-02-30"}, "occurred_on"),
        ({"note": "ok", "occurred_on": "2999-01-01"}, "occurred_on"),
        ({}, "note"),
    ],
)
def test_malformed_progress_gets_a_json_error_and_saves_nothing(
    homework: Homework, bob: User, body: dict[str, Any], field: str
) -> None:
    response = post_json(api(bob), f"/api/v1/homework/{homework.pk}/progress", body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not ProgressEntry.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe", b'"text"'])
def test_a_body_that_is_not_a_json_object_gets_400(homework: Homework, bob: User, raw: bytes) -> None:
    response = api(bob).post(f"/api/v1/homework/{homework.pk}/progress", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.json()


@pytest.mark.parametrize("pk", ["abc", "-1", "99999999999999999999999", "1.5", "%00"])
def test_odd_ids_get_404_not_500(bob: User, alice_bob: Engagement, pk: str) -> None:
    assert api(bob).get(f"/api/v1/homework/{pk}").status_code == 404


def test_wrong_method_gets_405_in_json(homework: Homework, bob: User) -> None:
    response = api(bob).delete(f"/api/v1/homework/{homework.pk}")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert "error" in response.json()


def test_unknown_endpoints_answer_json_404(bob: User) -> None:
    response = api(bob).get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert "openapi" in response.json()["error"]


def test_the_openapi_document_describes_every_endpoint(db: Any) -> None:
    document = Client().get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    from django.urls import get_resolver

    routes = {
        str(p.pattern) for p in get_resolver("legwork.api.urls").url_patterns if str(p.pattern).startswith("api/v1/")
    }
    described = {"api/v1" + path.replace("{id}", "<str:pk>") for path in document["paths"]}
    assert routes - {"api/v1/openapi.json"} == described


def test_the_coach_list_query_count_does_not_grow_with_clients(alice: User) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conftest import make_engagement, make_user

    client = api(alice)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/coach/clients").status_code == 200
        return len(queries)

    make_engagement(alice, make_user("c0@example.com"))
    few = count()
    for index in range(1, 15):
        make_homework(make_engagement(alice, make_user(f"c{index}@example.com")))
    assert count() == few
