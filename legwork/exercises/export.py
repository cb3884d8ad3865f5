"""What the exercises app adds to a coach's export: their own exercises, as importable documents."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import Exercise, HomeworkExercise

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def coach_exercises(coach: User) -> dict[str, Any]:
    return {"exercises": [exercise.to_document() for exercise in Exercise.objects.filter(owner=coach)]}


def engagement_exercises(engagement: Engagement) -> dict[str, Any]:
    """Which homework carried which exercise, with the questions it was given (answers are in its progress)."""
    homework_exercises = HomeworkExercise.objects.filter(homework__engagement=engagement).select_related("exercise")
    return {
        "homework_exercises": [
            {"homework_id": item.homework_id, "exercise": item.exercise.title, "fields": item.fields_snapshot}
            for item in homework_exercises
        ]
    }
