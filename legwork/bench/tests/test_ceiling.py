from __future__ import annotations

from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.test import Client


def _wsgi_get(application: Any, path: str) -> tuple[str, bytes]:
    environ: dict[str, Any] = {"PATH_INFO": path, "SERVER_NAME": "127.0.0.1", "HTTP_HOST": "127.0.0.1"}
    setup_testing_defaults(environ)
    answer: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"] = status

    body = b"".join(application(environ, start_response))
    return answer["status"], body


@pytest.mark.django_db
def test_the_bench_settings_add_the_trivial_view_behind_the_same_middleware(client: Client, settings: Any) -> None:
    settings.ROOT_URLCONF = "legwork.bench.urls"

    response = client.get("/bench/trivial/")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["X-Frame-Options"] == "DENY"  # the deployment middleware ran


@pytest.mark.django_db
def test_the_bench_server_answers_raw_ok_without_django_and_passes_the_rest_on() -> None:
    from legwork.bench.wsgi import application

    assert _wsgi_get(application, "/bench/raw/") == ("200 OK", b"ok")
    status, _ = _wsgi_get(application, "/no-such-page/")
    assert status.startswith("404")
