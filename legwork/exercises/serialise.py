"""The JSON shape of exercises and the homework that carries one, for the API and the exports.

An exercise travels as its file document (`Exercise.to_document`, the shape the
library files have), so what a coach exports or reads from the API imports again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from legwork.lib.shapes import ANY_OBJECT, BOOLEAN, DATETIME, INTEGER, STRING, array, iso, nullable, obj, ref

from .format import schema
from .models import Exercise, HomeworkExercise

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement
    from legwork.homework.models import ProgressEntry


def exercise(item: Exercise) -> dict[str, Any]:
    return {
        "id": item.pk,
        "builtin": item.is_builtin,
        "archived_at": iso(item.archived_at),
        "updated_at": iso(item.updated_at),
        "shared_at": iso(item.shared_at),
        # Only a shared exercise names its author: the practice's coaches see it as "shared by …".
        "shared_by": item.owner.display_name if item.shared_at and item.owner is not None else None,
        "document": item.to_document(),
    }


def homework_exercise(item: HomeworkExercise) -> dict[str, Any]:
    """Which homework carried which exercise, with the questions it was given (answers are in its progress)."""
    return {
        "homework": item.homework_id,
        "exercise_id": item.exercise_id,
        "exercise": item.exercise.title,
        "fields": item.fields_snapshot,
    }


def answer_sheet(item: HomeworkExercise, latest: ProgressEntry | None) -> dict[str, Any]:
    """The exercise a homework carries and the answers as they stood at the latest sitting."""
    from legwork.homework.serialise import progress_entry

    return {**homework_exercise(item), "latest": progress_entry(latest) if latest is not None else None}


def coach_exercises(coach: User) -> dict[str, Any]:
    """The coach's export part: their own exercises, as importable documents."""
    return {"exercises": [item.to_document() for item in Exercise.objects.filter(owner=coach)]}


def engagement_exercises(engagement: Engagement) -> dict[str, Any]:
    """An engagement's export part: every exercise its homework carried."""
    items = HomeworkExercise.objects.filter(homework__engagement=engagement).select_related("exercise")
    return {"homework_exercises": [homework_exercise(item) for item in items]}


def _document_schema() -> dict[str, Any]:
    """The exercise file's own schema (library/schema.json), placed where an OpenAPI document keeps schemas."""
    text = json.dumps({k: v for k, v in schema().items() if k not in ("$schema", "$id")})
    document: dict[str, Any] = json.loads(text.replace('"#/$defs/', '"#/components/schemas/ExerciseDocument/$defs/'))
    return document


SCHEMAS = {
    "ExerciseDocument": _document_schema(),
    "Exercise": obj(
        {
            "id": INTEGER,
            "builtin": {**BOOLEAN, "description": "Built-ins are read-only: duplicate one to change it"},
            "archived_at": nullable(DATETIME),
            "updated_at": DATETIME,
            "shared_at": {
                **nullable(DATETIME),
                "description": "When its owner shared it with their practice; null: the owner's alone",
            },
            "shared_by": {**nullable(STRING), "description": "The owner's name, for a shared exercise"},
            "document": ref("ExerciseDocument"),
        }
    ),
    "AnswerSheet": obj(
        {
            "homework": INTEGER,
            "exercise_id": INTEGER,
            "exercise": STRING,
            "fields": {**array(ANY_OBJECT), "description": "The questions, as they were when handed over"},
            "latest": {**nullable(ref("ProgressEntry")), "description": "The latest sitting's answers"},
        }
    ),
}
