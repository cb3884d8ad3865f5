"""Offline logging: each item sent once (a key made on the device), with the device's time kept honestly."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, make_homework
from legwork.homework.models import ProgressEntry
from legwork.notebook.models import JournalEntry
from legwork.phone.models import OfflineItem

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    return client


def send(client: Client, **item: Any) -> Any:
    item.setdefault("key", str(uuid.uuid4()))
    item.setdefault("written_at", timezone.now().isoformat())
    return client.post("/phone/sync/", json.dumps(item), content_type="application/json")


def progress(homework: Any, note: str = "Drafted the cover letter", minutes: str = "") -> list[list[str]]:
    return [[f"progress-{homework.pk}-note", note], [f"progress-{homework.pk}-minutes", minutes]]


def test_an_item_sent_twice_is_saved_once_and_the_replay_answers_the_first_result(alice_bob: Any) -> None:
    homework = make_homework(alice_bob, status="confirmed")
    client = signed_in(alice_bob.client)
    key = str(uuid.uuid4())
    first = send(client, key=key, kind="progress", target=homework.pk, fields=progress(homework))
    again = send(client, key=key, kind="progress", target=homework.pk, fields=progress(homework, note="changed"))
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert ProgressEntry.objects.filter(homework=homework).count() == 1
    assert ProgressEntry.objects.get().note == "Drafted the cover letter"


def test_the_device_time_is_kept_but_never_ahead_or_before_the_offline_window(alice_bob: Any) -> None:
    homework = make_homework(alice_bob, status="confirmed")
    homework.created_at = timezone.now() - dt.timedelta(days=20)
    homework.save(update_fields=["created_at"])
    client = signed_in(alice_bob.client)
    now = timezone.now()
    for when in (now - dt.timedelta(hours=3), now + dt.timedelta(days=2), now - dt.timedelta(days=30)):
        assert (
            send(
                client, kind="progress", target=homework.pk, fields=progress(homework), written_at=when.isoformat()
            ).status_code
            == 201
        )
    three_hours, future, long_ago = ProgressEntry.objects.order_by("pk")
    assert abs(three_hours.written_at - (now - dt.timedelta(hours=3))) < dt.timedelta(seconds=1)
    assert future.written_at <= timezone.now()
    assert long_ago.written_at >= now - dt.timedelta(days=7, seconds=5)
    # The device's own claim is kept beside it, as it was sent.
    assert OfflineItem.objects.order_by("pk").last().written_at < now - dt.timedelta(days=29)  # type: ignore[union-attr]


def test_a_draft_written_offline_arrives_as_a_private_journal_entry(bob: Any) -> None:
    client = signed_in(bob)
    written = timezone.now() - dt.timedelta(hours=2)
    fields = [
        ["title", "On the train"],
        ["body", "What I want from the next job"],
        ["prompt", ""],
        ["tags", ""],
        ["homework", ""],
    ]
    response = send(client, kind="draft", fields=fields, written_at=written.isoformat())
    assert response.status_code == 201
    entry = JournalEntry.objects.get(client=bob)
    assert entry.shared_with is None
    assert abs(entry.created_at - written) < dt.timedelta(seconds=1)


def test_a_refused_item_saves_nothing_and_says_why(alice_bob: Any) -> None:
    homework = make_homework(alice_bob, status="confirmed")
    client = signed_in(alice_bob.client)
    response = send(client, kind="progress", target=homework.pk, fields=progress(homework, note=""))
    assert response.status_code == 400
    assert response.json()["error"] == "refused"
    assert not ProgressEntry.objects.exists()
    assert not OfflineItem.objects.exists()
    assert send(client, kind="progress", target=homework.pk, fields="not a list").status_code == 400
    assert client.post("/phone/sync/", "{", content_type="application/json").status_code == 400


def test_another_persons_homework_or_block_is_not_found(alice_bob: Any, carol_dan: Any) -> None:
    homework = make_homework(alice_bob, status="confirmed")
    dan = signed_in(carol_dan.client)
    assert send(dan, kind="progress", target=homework.pk, fields=progress(homework)).status_code == 404
    # The coach cannot log the client's progress either.
    assert (
        send(signed_in(alice_bob.coach), kind="progress", target=homework.pk, fields=progress(homework)).status_code
        == 400
    )
    assert not ProgressEntry.objects.exists()


def test_the_same_key_from_two_people_is_two_items(alice_bob: Any, bob: Any, dan: Any) -> None:
    key = str(uuid.uuid4())
    fields = [["title", "t"], ["body", "b"], ["prompt", ""], ["tags", ""], ["homework", ""]]
    assert send(signed_in(bob), key=key, kind="draft", fields=fields).status_code == 201
    assert send(signed_in(dan), key=key, kind="draft", fields=fields).status_code == 201
    assert JournalEntry.objects.filter(client=dan).count() == 1


def test_the_manifest_and_worker_are_served_from_the_root(client: Client) -> None:
    manifest = client.get("/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    assert manifest.json()["start_url"].startswith("/")
    assert manifest.json()["display"] == "standalone"
    worker = client.get("/sw.js")
    assert worker["Content-Type"] == "text/javascript"
    assert "/static/legwork.css" in worker.content.decode()


def test_signing_out_tells_the_browser_to_clear_this_site(bob: Any) -> None:
    client = signed_in(bob)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
