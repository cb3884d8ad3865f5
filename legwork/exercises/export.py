"""What the exercises app adds to a coach's export: their own exercises, as importable documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import Exercise, ExerciseAssignment

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def coach_exercises(coach: User) -> dict[str, Any]:
    return {"exercises": [exercise.to_document() for exercise in Exercise.objects.filter(owner=coach)]}


def engagement_exercises(engagement: Engagement) -> dict[str, Any]:
    """Which homework carried which exercise, with the questions it was given (answers are in its progress)."""
    assignments = ExerciseAssignment.objects.filter(homework__engagement=engagement).select_related("exercise")
    return {
        "exercise_assignments": [
            {"homework_id": item.homework_id, "exercise": item.exercise.title, "fields": item.fields_snapshot}
            for item in assignments
        ]
    }
