"""Hostile bodies and odd requests: bounded JSON, and JSON errors for every method anywhere under /api/."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from legwork.api import errors
from legwork.api.http import MAX_BODY_BYTES, MAX_DEPTH
from legwork.homework.models import ProgressEntry

from .conftest import World, token_client


def progress_url(world: World) -> str:
    return f"/api/v1/homework/{world.homework.pk}/progress"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"note": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # RecursionError in json before
        b'{"note": "x", "minutes": ' + b"9" * 5000 + b"}",  # past int's 4,300-digit limit: ValueError before
        b'{"note": "x", "minutes": 1' + b"0" * 400 + b".5}",
        b'{"note": "x", "minutes": 1e999}',
        b'{"note": "x", "minutes": NaN}',
        b'{"note": "\\ud800"}',  # a lone surrogate: 500 when saved, before
        b'{"\\udfff": "x"}',
        b'{"note": ["\\ud83d"]}',
        b'{"note": "' + "\u00e9".encode("latin-1") + b'"}',
        b'{"note": ' + b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1) + b"}",
    ],
)
def test_a_hostile_body_is_a_json_400_and_saves_nothing(world: World, raw: bytes) -> None:
    response = token_client(world.bob).send("POST", progress_url(world), raw)
    assert response.status_code == 400
    assert response.json()["error"]
    assert ProgressEntry.objects.count() == 1


def test_an_emoji_as_a_surrogate_pair_is_text_and_is_kept(world: World) -> None:
    response = token_client(world.bob).send("POST", progress_url(world), b'{"note": "Done \\ud83c\\udf89"}')
    assert response.status_code == 201
    assert response.json()["note"] == "Done \U0001f389"


def test_text_past_its_length_is_refused_as_sent_even_when_the_rest_is_spaces(world: World) -> None:
    # Found by schemathesis: the form strips before it counts, so 300 newlines after a short note passed.
    client = token_client(world.bob)
    base = f"/api/v1/thinking-time/{world.block.pk}"
    before = client.get("/api/v1/thinking-time").json()["results"][0]["note"]
    response = client.send("PATCH", base, {"note": "garden" + "\n" * 300})
    assert response.status_code == 400
    assert response.json()["fields"]["note"].startswith("At most ")
    assert client.get("/api/v1/thinking-time").json()["results"][0]["note"] == before
    assert client.send("PATCH", base, {"note": "garden\n"}).json()["note"] == "garden"


def test_a_body_past_the_cap_is_a_json_413_before_it_is_read(world: World) -> None:
    response = token_client(world.bob).send("POST", progress_url(world), b'{"note": "' + b"x" * 3_000_000 + b'"}')
    assert response.status_code == 413
    assert "kB" in response.json()["error"]
    just_under = b'{"note": "' + b"x" * (MAX_BODY_BYTES - 20) + b'"}'
    assert token_client(world.bob).send("POST", progress_url(world), just_under).status_code == 400  # note > 5,000


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("path", ["/api/nothing", "/api/v1/nothing/here", "/api/v2/me", "/api/v1/homework/1/x"])
def test_every_method_on_an_unknown_api_path_answers_json_404_even_with_csrf_checks(
    db: object, method: str, path: str
) -> None:
    response = Client(enforce_csrf_checks=True).generic(method, path, b"{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "openapi" in response.json()["error"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_write_with_csrf_checks_on_and_no_token_answers_json_401_not_the_csrf_page(world: World, method: str) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.bob)  # a browser session is not a way in: only the token is
    response = client.generic(method, f"/api/v1/journal/{world.private_entry.pk}", b"{}", "application/json")
    assert response.status_code in (401, 405)
    assert response["Content-Type"] == "application/json"


def test_djangos_own_error_answers_are_json_under_api_and_pages_elsewhere(db: object) -> None:
    factory = RequestFactory()
    api, page = factory.get("/api/v1/me"), factory.get("/notebook/")
    assert errors.server_error(api).status_code == 500
    assert errors.server_error(api)["Content-Type"] == "application/json"
    assert errors.server_error(page)["Content-Type"].startswith("text/html")
    for view, status in ((errors.bad_request, 400), (errors.permission_denied, 403), (errors.page_not_found, 404)):
        assert view(api, Exception("x")).status_code == status
        assert view(api, Exception("x"))["Content-Type"] == "application/json"
        assert view(page, Exception("x"))["Content-Type"].startswith("text/html")
    response = errors.csrf_failure(factory.post("/api/v1/me"), reason="no cookie")
    assert (response.status_code, response["Content-Type"]) == (403, "application/json")


def test_a_disallowed_host_under_api_is_a_json_400(db: object) -> None:
    response = Client(HTTP_HOST="evil.example").get("/api/v1/me")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
