"""Exercise work that spans models: syncing the built-ins, copying, importing, proposing as homework, answering."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from legwork.homework.models import Homework, ProgressEntry
from legwork.homework.services import HomeworkDraft, homework_propose, progress_log

from .format import builtin_documents
from .models import Exercise, HomeworkExercise

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def exercise_sync_builtins() -> int:
    """Make the built-in rows match the files in legwork/exercises/library/. Returns how many were written.

    Run after every `migrate` (see apps.py), so a changed file needs no data migration; a
    built-in whose file was removed is archived, never deleted, because homework may point at it.
    """
    documents = builtin_documents()
    with transaction.atomic():
        for document in documents:
            exercise = Exercise.objects.builtins().filter(slug=document["slug"]).first() or Exercise(
                slug=document["slug"]
            )
            exercise.set_document(document)
            exercise.archived_at = None
            exercise.save()
        Exercise.objects.builtins().exclude(slug__in=[d["slug"] for d in documents]).update(archived_at=timezone.now())
    return len(documents)


def _free_slug(owner: User, slug: str) -> str:
    # The numbered slug is checked as it will be saved: a stem short enough for "-N" within 60 characters.
    stem = slug[:55].rstrip("-")
    taken = set(Exercise.objects.filter(owner=owner, slug__startswith=stem).values_list("slug", flat=True))
    if slug not in taken:
        return slug
    number = 2
    while f"{stem}-{number}" in taken:
        number += 1
    return f"{stem}-{number}"


def exercise_create(*, owner: User, document: dict[str, Any]) -> Exercise:
    """A coach's own exercise from a validated document (the editor's or an imported file's)."""
    exercise = Exercise(owner=owner, slug=_free_slug(owner, document["slug"]))
    exercise.set_document(document)
    exercise.save()
    return exercise


def exercise_update(*, exercise: Exercise, document: dict[str, Any]) -> None:
    exercise.set_document(document)
    exercise.save()


def exercise_duplicate(*, exercise: Exercise, by: User) -> Exercise:
    """A coach's editable copy of a built-in or of their own exercise."""
    document = exercise.to_document()
    document["title"] = f"{exercise.title} (my copy)"[:120]
    return exercise_create(owner=by, document=document)


def exercise_propose(
    *, exercise: Exercise, engagement: Engagement, by: User, due_on: dt.date | None = None, title: str = ""
) -> Homework:
    """Propose a homework that carries the exercise; the client confirms it like any other."""
    with transaction.atomic():
        homework = homework_propose(
            engagement=engagement,
            draft=HomeworkDraft(title=(title or exercise.title)[:200], purpose=exercise.purpose, due_on=due_on),
            by=by,
        )
        HomeworkExercise.objects.create(homework=homework, exercise=exercise, fields_snapshot=exercise.fields)
    return homework


def answers_save(*, homework: Homework, by: User, answers: dict[str, Any], note: str = "") -> ProgressEntry:
    """One sitting's answers, as they stand, become a progress entry: the history is the entries."""
    return progress_log(homework=homework, by=by, answers=answers, note=note)


def latest_answers(homework: Homework) -> ProgressEntry | None:
    return homework.progress.filter(answers__isnull=False).order_by("-written_at", "-pk").first()
