"""Offline logging: each item sent once (a key made on the device), with the device's time kept honestly."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_homework, make_session
from legwork.coaching.models import Session
from legwork.homework.models import ProgressEntry
from legwork.lib.sent_later import sent_later_words
from legwork.notebook.models import JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence
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


def test_an_item_sent_later_says_when_it_was_written_and_sent_in_each_viewers_zone(
    alice: Any, alice_bob: Any, bob: Any
) -> None:
    """The server keeps both times, and the client's and the coach's pages say both, each in their zone."""
    alice.timezone = "Asia/Tokyo"
    alice.save(update_fields=["timezone"])
    homework = make_homework(alice_bob, status="confirmed")
    homework.created_at = timezone.now() - dt.timedelta(days=1)
    homework.save(update_fields=["created_at"])
    client = signed_in(bob)
    written = timezone.now() - dt.timedelta(minutes=90)
    assert (
        send(client, kind="progress", target=homework.pk, fields=progress(homework), written_at=written.isoformat())
    ).status_code == 201
    send(client, kind="progress", target=homework.pk, fields=progress(homework, note="online"))  # sent at once
    draft = [["title", "On the train"], ["body", "Notes"], ["prompt", ""], ["tags", ""], ["homework", ""]]
    assert send(client, kind="draft", fields=draft, written_at=written.isoformat()).status_code == 201

    offline, online = ProgressEntry.objects.order_by("pk")
    assert abs(offline.written_at - written) < dt.timedelta(seconds=1)
    assert offline.received_at is not None
    assert offline.received_at - written > dt.timedelta(minutes=89)
    assert online.received_at is not None
    assert abs(online.received_at - online.written_at) < dt.timedelta(seconds=5)
    entry = JournalEntry.objects.get(client=bob)
    assert entry.received_at is not None

    def words(whose: str, zone: str, when: dt.datetime, received: dt.datetime) -> str:
        return sent_later_words(when, received, whose=whose, zone=ZoneInfo(zone))

    clients = client.get(reverse("homework", args=[homework.pk])).content.decode()
    label = words("your", "Europe/London", offline.written_at, offline.received_at)
    assert label in clients
    assert clients.count("sent-later") == clients.count(label)  # the entry sent at once says nothing more
    coachs = signed_in(alice).get(reverse("homework", args=[homework.pk])).content.decode()
    assert words("their", "Asia/Tokyo", offline.written_at, offline.received_at) in coachs

    label = words("your", "Europe/London", entry.created_at, entry.received_at)
    assert label in client.get(reverse("journal_entry", args=[entry.pk])).content.decode()
    assert label in client.get(reverse("notebook")).content.decode()
    client.post(reverse("journal_entry_share", args=[entry.pk]), {"engagement": alice_bob.pk})
    shared = signed_in(alice).get(reverse("shared_entries", args=[alice_bob.pk])).content.decode()
    assert words("their", "Asia/Tokyo", entry.created_at, entry.received_at) in shared

    # The coach's brief before the next session: the last entry, and the journal entry shared.
    make_session(alice_bob, at=timezone.now() - dt.timedelta(days=10), status=Session.Status.HELD)
    upcoming = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=4))
    ProgressEntry.objects.filter(pk=online.pk).delete()  # so the last entry is the one sent later
    brief = signed_in(alice).get(reverse("brief", args=[upcoming.pk])).content.decode()
    assert words("their", "Asia/Tokyo", offline.written_at, offline.received_at) in brief
    assert words("their", "Asia/Tokyo", entry.created_at, entry.received_at) in brief


def test_thinking_time_marked_offline_keeps_the_phones_time_and_says_so(bob: Any) -> None:
    now = timezone.now()
    block = ThinkingTimeBlock.objects.create(
        client=bob,
        rrule="FREQ=DAILY",
        start_time=dt.time(6),
        timezone="Europe/London",
        created_at=now - dt.timedelta(days=10),
    )
    starts = block.occurrences_between(now - dt.timedelta(days=3), now - dt.timedelta(days=1))[-1]
    client = signed_in(bob)
    fields = [["starts_at", starts.isoformat()], ["status", "taken"], ["note", ""]]
    # A phone whose clock says before the block began is held to the block's start.
    early = send(
        client, kind="thinking", target=block.pk, fields=fields, written_at=(starts - dt.timedelta(hours=2)).isoformat()
    )
    assert early.status_code == 201
    assert ThinkingTimeOccurrence.objects.get().recorded_at == starts
    written = starts + dt.timedelta(hours=1)
    assert (
        send(client, kind="thinking", target=block.pk, fields=fields, written_at=written.isoformat()).status_code == 201
    )
    mark = ThinkingTimeOccurrence.objects.get()
    assert abs(mark.recorded_at - written) < dt.timedelta(seconds=1)
    assert mark.received_at is not None
    assert mark.received_at > written + dt.timedelta(hours=20)
    page = client.get(reverse("thinking_time")).content.decode()
    assert sent_later_words(mark.recorded_at, mark.received_at, zone=ZoneInfo("Europe/London")) in page
    # Marked again with a connection, it is a mark made now: nothing more to say.
    client.post(
        reverse("thinking_occurrence_mark", args=[block.pk]), {"starts_at": starts.isoformat(), "status": "skipped"}
    )
    mark.refresh_from_db()
    assert mark.received_at is None
    assert "sent-later" not in client.get(reverse("thinking_time")).content.decode()
