from __future__ import annotations

import pytest
from django.core.management import call_command

from legwork.exercises.models import HomeworkExercise
from legwork.notebook.models import JournalEntry, ThinkingTimeOccurrence


@pytest.mark.django_db
def test_it_gives_the_demo_clients_a_notebook_thinking_time_and_exercise_answers() -> None:
    call_command("demo")
    assert JournalEntry.objects.shared().count() >= 3
    assert JournalEntry.objects.filter(shared_with__isnull=True).count() >= 5
    for entry in JournalEntry.objects.shared():
        assert entry.shared_with.client_id == entry.client_id  # type: ignore[union-attr]
    assert ThinkingTimeOccurrence.objects.filter(status="taken").exists()
    assert ThinkingTimeOccurrence.objects.filter(status="skipped").exclude(note="").exists()
    homework_exercise = HomeworkExercise.objects.get(exercise__slug="possible-selves")
    assert homework_exercise.homework.progress.filter(answers__isnull=False).count() == 2
    assert homework_exercise.homework.engagement.client.email == "sam@legwork.test"
