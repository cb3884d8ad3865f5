"""The exercise panel on the homework page (the homework app's), through `legwork.lib.panels`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.db.models import Exists

from legwork.lib.first_steps import Done, first_step
from legwork.lib.panels import panel

from .answers import display_answers
from .models import Exercise, HomeworkExercise

if TYPE_CHECKING:
    from legwork.homework.models import Homework


@panel("homework.exercise", "exercises/_homework_panel.html")
def homework_exercise(context: template.Context, homework: Homework) -> dict[str, Any]:
    """The homework's exercise: a link to fill it in (client), the latest answers and their history. Two queries."""
    homework_exercise = HomeworkExercise.objects.filter(homework=homework).select_related("exercise").first()
    if homework_exercise is None:
        return {"homework_exercise": None}
    fields = homework_exercise.fields_snapshot
    entries = list(
        homework.progress.filter(answers__isnull=False).select_related("author").order_by("-written_at", "-pk")[:20]
    )
    history = [{"entry": entry, "answers": display_answers(fields, entry.answers)} for entry in entries]
    return {
        "homework_exercise": homework_exercise,
        "homework": homework,
        "is_client": homework.engagement.is_client(context["request"].user),
        "latest": history[0] if history else None,
        "earlier": history[1:],
    }


@first_step("exercise", "Pick an exercise from the library to give as homework", "exercises", order=30)
def exercise_picked(user: Any) -> Done:
    """Given one as homework, or made one's own."""
    return Exists(HomeworkExercise.objects.filter(homework__engagement__coach=user.pk)) | Exists(
        Exercise.objects.filter(owner=user.pk)
    )
