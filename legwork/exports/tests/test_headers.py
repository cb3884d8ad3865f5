"""Private responses are never stored by a cache, no page may use powerful browser features, HSTS is configurable.

Lives beside the exports because it asks pages of every app, up to the API.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from legwork.accounts.models import User
from legwork.api.models import ApiToken
from legwork.coaching.models import Engagement
from legwork.reminders.services import feed_regenerate

pytestmark = pytest.mark.django_db


def _no_store(response: Any) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_a_signed_in_persons_pages_and_exports_are_never_stored(client: Client, alice_bob: Engagement) -> None:
    client.force_login(alice_bob.client)
    for name in ["home", "notebook", "export", "export_json", "export_archive", "profile"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert _no_store(response), (name, response.get("Cache-Control"))
    coach = Client()
    coach.force_login(alice_bob.coach)
    assert _no_store(coach.get(reverse("engagement", args=[alice_bob.pk])))


def test_api_answers_are_never_stored(client: Client, alice: User) -> None:
    _, token = ApiToken.issue(user=alice, name="test")
    response = client.get(reverse("api_me"), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert _no_store(response)
    assert _no_store(client.get(reverse("api_me")))  # the 401 too


def test_signed_out_pages_are_not_stored_either_but_the_feed_and_static_files_keep_theirs(
    client: Client, bob: User
) -> None:
    for url in [reverse("home"), reverse("account_login"), "/join/not-a-token/"]:
        assert _no_store(client.get(url)), url
    token = feed_regenerate(user=bob)
    feed = client.get(reverse("calendar_feed_ics", args=[token]))
    assert feed.status_code == 200
    assert feed["Cache-Control"] == "private, max-age=300"
    css = client.get("/static/legwork.css")
    assert css.status_code == 200
    assert "no-store" not in css.get("Cache-Control", "")


def test_every_response_forbids_camera_microphone_and_location(client: Client, bob: User) -> None:
    client.force_login(bob)
    for url in [reverse("home"), reverse("api_me"), "/no-such-page/"]:
        policy = client.get(url)["Permissions-Policy"]
        for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]:
            assert feature in policy, (url, feature)
        assert "clipboard-write" not in policy  # the invitations page copies its link


def test_hsts_can_include_subdomains_and_preload(client: Client, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("account_login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_the_hsts_settings_come_from_the_environment(tmp_path: Any) -> None:
    code = "import legwork.settings as s; print(s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"

    def run(**env: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/bin:/bin", "LEGWORK_VAR_DIR": str(tmp_path), **env}
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)  # noqa: S603

    assert run().stdout.split() == ["False", "False"]
    assert run(HSTS_INCLUDE_SUBDOMAINS="1", HSTS_PRELOAD="true").stdout.split() == ["True", "True"]
    refused = run(HSTS_PRELOAD="maybe")
    assert refused.returncode != 0
    assert "HSTS_PRELOAD must be a boolean" in refused.stderr
