"""Threads and acknowledgements obey the access rules: the API, the exports, the journal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import make_homework, make_progress
from legwork.api.tests.conftest import token_client
from legwork.conversation.models import Acknowledgement, Message
from legwork.conversation.services import acknowledge, thread_post
from legwork.exports.services import client_export, coach_export
from legwork.notebook.models import JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def talked(alice_bob: Any, alice: Any, bob: Any) -> Any:
    homework = make_homework(alice_bob)
    JournalEntry.objects.create(client=bob, title="Mine", body="canary-journal-77aa")
    thread_post(homework=homework, by=bob, body="canary-bob-writes")
    thread_post(homework=homework, by=alice, body="canary-alice-answers")
    acknowledge(by=alice, entry=make_progress(homework), word="canary-seen")
    return homework


def test_each_persons_export_holds_their_own_threads(
    talked: Any, alice: Any, bob: Any, carol: Any, dan: Any, carol_dan: Any
) -> None:
    for person in (bob,):
        text = json.dumps(client_export(client=person))
        assert "canary-bob-writes" in text
        assert "canary-alice-answers" in text
        assert "canary-seen" in text
    assert "canary-bob-writes" in json.dumps(coach_export(coach=alice))
    for export in (coach_export(coach=carol), client_export(client=dan)):
        assert "canary" not in json.dumps(export)


def test_the_journal_never_enters_a_thread(talked: Any) -> None:
    bodies = " ".join(Message.objects.values_list("body", flat=True))
    assert "canary-journal" not in bodies
    assert "canary-journal" not in json.dumps(client_export(client=talked.engagement.client)["engagements"])


def test_the_api_shows_a_thread_to_its_two_people_only(
    talked: Any, alice: Any, bob: Any, carol: Any, dan: Any, carol_dan: Any
) -> None:
    for person in (alice, bob):
        response = token_client(person).send("GET", f"/api/v1/homework/{talked.pk}/thread", None)
        assert response.status_code == 200
        assert [m["body"] for m in response.json()["messages"]] == ["canary-bob-writes", "canary-alice-answers"]
    for person in (carol, dan):
        assert token_client(person).send("GET", f"/api/v1/homework/{talked.pk}/thread", None).status_code == 404
        response = token_client(person).send("POST", f"/api/v1/homework/{talked.pk}/thread", {"body": "x"})
        assert response.status_code == 404
    assert Message.objects.count() == 2
    entry = Acknowledgement.objects.get().progress_entry
    assert entry is not None
    response = token_client(bob).send("POST", f"/api/v1/progress/{entry.pk}/acknowledge", {"word": "me"})
    assert response.status_code == 403
    response = token_client(bob).send("POST", f"/api/v1/homework/{talked.pk}/thread", {"body": ""})
    assert response.status_code == 400
