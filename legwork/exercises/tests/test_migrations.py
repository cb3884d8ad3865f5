from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from legwork.exercises.models import Exercise, HomeworkExercise
from legwork.exercises.services import exercise_propose

BEFORE = [("exercises", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_the_rename_to_homework_exercise_keeps_every_row(alice: Any, alice_bob: Any) -> None:
    exercise = Exercise.objects.create(owner=alice, slug="values", title="Values", fields=[{"name": "a"}])
    homework = exercise_propose(exercise=exercise, engagement=alice_bob, by=alice)

    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("exercises", "ExerciseAssignment")
        assert list(old.objects.values_list("homework_id", "exercise_id")) == [(homework.pk, exercise.pk)]
    finally:
        # Forward to every app's latest migration, so the tests after this one see today's schema.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    kept = HomeworkExercise.objects.get()
    assert (kept.homework_id, kept.exercise_id, kept.fields_snapshot) == (homework.pk, exercise.pk, [{"name": "a"}])
    assert homework.homework_exercise == kept
