from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from legwork.exercises.format import validate_document
from legwork.exercises.models import Exercise
from legwork.exercises.serialise import coach_exercises
from legwork.notebook.models import EntryDraft, JournalEntry, ThinkingTimeBlock
from legwork.notebook.serialise import client_notebook, engagement_shared_entries

pytestmark = pytest.mark.django_db


def test_it_exports_everything_of_the_clients_own(bob: Any, alice_bob: Any) -> None:
    JournalEntry.objects.create(client=bob, body="private thoughts")
    JournalEntry.objects.create(client=bob, body="shared thoughts").share(alice_bob)
    EntryDraft.objects.create(client=bob, body="half a sentence")
    ThinkingTimeBlock.objects.create(client=bob, start_time=dt.time(9), note="garden")
    data = json.loads(json.dumps(client_notebook(bob)))
    assert {entry["body"] for entry in data["journal_entries"]} == {"private thoughts", "shared thoughts"}
    assert data["journal_drafts"][0]["body"] == "half a sentence"
    assert data["thinking_time"][0]["note"] == "garden"


def test_it_gives_the_coach_only_the_shared_entries(bob: Any, alice_bob: Any, carol_dan: Any) -> None:
    JournalEntry.objects.create(client=bob, body="private thoughts")
    JournalEntry.objects.create(client=bob, body="shared thoughts").share(alice_bob)
    shared = engagement_shared_entries(alice_bob, viewer=alice_bob.coach)["shared_journal_entries"]
    assert [entry["body"] for entry in shared] == ["shared thoughts"]
    assert engagement_shared_entries(carol_dan, viewer=carol_dan.coach) == {"shared_journal_entries": []}


def test_it_exports_a_coaches_exercises_as_importable_documents(alice: Any) -> None:
    Exercise.objects.create(
        owner=alice, slug="mine", title="Mine", purpose="act", kind="logical",
        fields=[{"name": "a", "label": "A", "type": "short_text"}],
    )  # fmt: skip
    [document] = coach_exercises(alice)["exercises"]
    assert validate_document(document, "export") == document


def test_it_exports_which_homework_carried_which_exercise(alice: Any, alice_bob: Any) -> None:
    from legwork.exercises.serialise import engagement_exercises
    from legwork.exercises.services import exercise_propose

    values = Exercise.objects.get(slug="values", owner=None)
    homework = exercise_propose(exercise=values, engagement=alice_bob, by=alice)
    [item] = engagement_exercises(alice_bob)["homework_exercises"]
    assert item == {"homework": homework.pk, "exercise_id": values.pk, "exercise": "Values", "fields": values.fields}
