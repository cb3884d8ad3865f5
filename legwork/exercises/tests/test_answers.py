from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from legwork.exercises.models import Exercise
from legwork.exercises.services import exercise_propose
from legwork.homework.models import Homework, ProgressEntry

pytestmark = pytest.mark.django_db

FIELDS = [
    {"name": "role", "label": "The role", "type": "short_text", "required": True},
    {"name": "story", "label": "A story", "type": "long_text"},
    {"name": "ideas", "label": "Ideas", "type": "list"},
    {"name": "how", "label": "How", "type": "single_choice", "options": ["Phone", "Email"]},
    {"name": "values", "label": "Values", "type": "multiple_choice", "options": ["Autonomy", "Money", "Fairness"]},
    {"name": "energy", "label": "Energy", "type": "scale"},
    {"name": "when", "label": "When", "type": "date"},
    {
        "name": "selves",
        "label": "Selves",
        "type": "group",
        "max_items": 3,
        "fields": [
            {"name": "kind", "label": "Kind", "type": "single_choice", "options": ["Hoped-for", "Feared"]},
            {"name": "strategies", "label": "Strategies", "type": "list"},
        ],
    },
]


@pytest.fixture
def homework(alice: Any, alice_bob: Any) -> Homework:
    exercise = Exercise.objects.create(owner=alice, slug="all", title="All the types", fields=FIELDS)
    homework = exercise_propose(exercise=exercise, engagement=alice_bob, by=alice)
    homework.confirm()
    # Agreed before the sittings these tests travel back to: progress is never dated before agreement.
    Homework.objects.filter(pk=homework.pk).update(created_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    homework.refresh_from_db()
    return homework


GOOD = {
    "role": "UX researcher",
    "story": "It went **well**",
    "ideas": "ask Dana\n\n  read a book  \n",
    "how": "Email",
    "values": ["Autonomy", "Fairness"],
    "energy": "7",
    "when": "2026-03-28",
    "selves-count": "2",
    "selves-0-kind": "Hoped-for",
    "selves-0-strategies": "take a course\nfind a mentor",
    "selves-1-kind": "",
    "selves-1-strategies": "",
}


def test_it_saves_each_sitting_as_a_progress_entry(client: Any, bob: Any, homework: Homework) -> None:
    client.force_login(bob)
    url = reverse("homework_answers", args=[homework.pk])
    with time_machine.travel("2026-03-20 10:00Z"):
        response = client.post(url, {**GOOD, "energy": "3"})
    assert response.status_code == 302
    with time_machine.travel("2026-03-22 10:00Z"):
        client.post(url, GOOD)
    first, second = ProgressEntry.objects.order_by("written_at")
    assert first.answers is not None
    assert first.answers["energy"] == 3
    assert second.answers == {
        "role": "UX researcher",
        "story": "It went **well**",
        "ideas": ["ask Dana", "read a book"],
        "how": "Email",
        "values": ["Autonomy", "Fairness"],
        "energy": 7,
        "when": "2026-03-28",
        "selves": [{"kind": "Hoped-for", "strategies": ["take a course", "find a mentor"]}],
    }
    assert second.author == bob
    page = client.get(url).content.decode()
    assert "take a course\nfind a mentor</textarea>" in page
    assert 'value="Email" checked' in page


def test_it_keeps_every_answer_when_one_breaks_its_type(client: Any, bob: Any, homework: Homework) -> None:
    client.force_login(bob)
    bad = {**GOOD, "role": "", "energy": "11", "when": "28/03/2026", "how": "Pigeon", "values": ["Autonomy", "Fame"]}
    response = client.post(reverse("homework_answers", args=[homework.pk]), bad)
    page = response.content.decode()
    assert response.status_code == 400
    assert not ProgressEntry.objects.exists()
    for message in ("Please answer this one.", "A whole number from 1 to 10.", "A date like 2026-03-28."):
        assert message in page
    assert 'id="a-energy-error"' in page
    assert 'value="28/03/2026"' in page
    assert "It went **well**" in page
    assert "take a course\nfind a mentor</textarea>" in page
    assert 'value="11" ' not in page  # the scale has no 11 to tick, but the other answers are all kept


def test_it_adds_a_row_to_a_group_without_saving(client: Any, bob: Any, homework: Homework) -> None:
    client.force_login(bob)
    data = {**GOOD, "selves-count": "1", "add": "selves"}
    page = client.post(reverse("homework_answers", args=[homework.pk]), data).content.decode()
    assert 'name="selves-count" value="2"' in page
    assert 'name="selves-1-strategies"' in page
    assert not ProgressEntry.objects.exists()


def test_it_shows_the_coach_the_latest_answers_and_their_history(
    client: Any, alice: Any, bob: Any, homework: Homework
) -> None:
    client.force_login(bob)
    with time_machine.travel("2026-03-20 10:00Z"):
        client.post(reverse("homework_answers", args=[homework.pk]), {**GOOD, "role": "First thought"})
    with time_machine.travel("2026-03-22 10:00Z"):
        client.post(reverse("homework_answers", args=[homework.pk]), GOOD)
    client.force_login(alice)
    page = client.get(reverse("homework", args=[homework.pk])).content.decode()
    assert "Latest answers, saved Sun 22 Mar, 10:00" in page
    assert "It went <strong>well</strong>" in page
    assert "7 / 10" in page
    assert "Earlier saves (1)" in page
    assert "First thought" in page


def test_it_answers_malformed_posts_without_a_500(client: Any, bob: Any, homework: Homework) -> None:
    client.force_login(bob)
    url = reverse("homework_answers", args=[homework.pk])
    for data in ({"selves-count": "many"}, {"selves-count": "-5"}, {"selves-count": "999999"}, {"energy": "7.5"}):
        assert client.post(url, {**GOOD, **data}).status_code in (302, 400)
    assert client.post(url, {**GOOD, "story": "x" * 20_000}).status_code == 400


def test_it_gives_another_client_and_coach_404(client: Any, carol: Any, dan: Any, homework: Homework) -> None:
    """Ownership: the homework gate hides the exercise from dan and carol."""
    for person in (carol, dan):
        client.force_login(person)
        assert client.get(reverse("homework_answers", args=[homework.pk])).status_code == 404
        assert client.post(reverse("homework_answers", args=[homework.pk]), GOOD).status_code == 404
    assert not ProgressEntry.objects.exists()


def test_it_forbids_the_coach_to_answer_for_the_client(client: Any, alice: Any, homework: Homework) -> None:
    """Role: filling in is the client's work; the coach gets 403."""
    client.force_login(alice)
    assert client.post(reverse("homework_answers", args=[homework.pk]), GOOD).status_code == 403
    assert not ProgressEntry.objects.exists()


def test_it_keeps_the_questions_a_homework_was_given(client: Any, alice: Any, bob: Any, homework: Homework) -> None:
    exercise = homework.homework_exercise.exercise
    exercise.fields = [{"name": "other", "label": "Something else entirely", "type": "short_text"}]
    exercise.save()
    client.force_login(bob)
    page = client.get(reverse("homework_answers", args=[homework.pk])).content.decode()
    assert "The role" in page
    assert "Something else entirely" not in page


def test_it_shows_the_answer_history_in_a_fixed_number_of_queries(
    client: Any, alice: Any, bob: Any, homework: Homework
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    url = reverse("homework", args=[homework.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    from legwork.exercises.services import answers_save

    answers_save(homework=homework, by=bob, answers={"role": "one"})
    once = count()
    for index in range(5):
        answers_save(homework=homework, by=bob, answers={"role": f"again {index}"})
    assert count() == once
