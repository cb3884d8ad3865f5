"""Exercises: structured worksheets (built-in or a coach's own) and the homework that carry them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from legwork.practice.models import SharedInPractice, coaches_sharing_with

if TYPE_CHECKING:
    from legwork.accounts.models import User


class Purpose(models.TextChoices):
    EXPLORE = "explore", "Explore: to know more"
    ACT = "act", "Act: to take a step forward"


class Kind(models.TextChoices):
    LOGICAL = "logical", "Logical"
    INTUITIVE = "intuitive", "Intuitive"
    EMOTIONAL = "emotional", "Emotional"


class ExerciseQuerySet(models.QuerySet["Exercise"]):
    def visible_to(self, user: User) -> ExerciseQuerySet:
        """For a coach: the built-ins, their own, and those the other coaches of their practice share
        (while shared and not archived). Clients see an exercise only through their homework.

        The one place the shared library's rule lives: the pages, the API and the proposing all read it.
        """
        if not user.is_authenticated or not user.is_coach:
            return self.none()
        shared = Q(shared_at__isnull=False, archived_at__isnull=True, owner_id__in=coaches_sharing_with(user))
        return self.filter(Q(owner__isnull=True) | Q(owner=user) | shared)

    def builtins(self) -> ExerciseQuerySet:
        return self.filter(owner__isnull=True)

    def current(self) -> ExerciseQuerySet:
        return self.filter(archived_at__isnull=True)


class Exercise(SharedInPractice):
    """A structured worksheet: ordered fields of known types (see library/schema.json)."""

    slug = models.SlugField(max_length=60)
    title = models.CharField(max_length=120)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.EXPLORE)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LOGICAL)
    instructions = models.TextField(blank=True, max_length=5000)
    fields = models.JSONField(default=list)
    # Null owner = built-in, loaded from legwork/exercises/library/ and read-only.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="exercises"
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    # shared_at (SharedInPractice): the practice's other coaches may read, propose and duplicate it
    # (never edit it).
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "slug"], name="one_slug_per_owner"),
            models.UniqueConstraint(fields=["slug"], condition=Q(owner__isnull=True), name="one_slug_per_builtin"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exercise", args=[self.pk])

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None

    def is_editable_by(self, user: User) -> bool:
        return self.owner_id is not None and self.owner_id == user.pk

    def is_shared_with(self, user: User) -> bool:
        """Another coach's exercise that `user` sees because it is shared (the gate decided they may)."""
        return self.owner_id is not None and self.owner_id != user.pk

    def to_document(self) -> dict[str, Any]:
        """The exercise as a file document (the same shape the library files have)."""
        return {
            "format": 1,
            "slug": self.slug,
            "title": self.title,
            "purpose": self.purpose,
            "kind": self.kind,
            "instructions": self.instructions,
            "fields": self.fields,
        }

    def set_document(self, document: dict[str, Any]) -> None:
        self.title = document["title"]
        self.purpose = document["purpose"]
        self.kind = document["kind"]
        self.instructions = document.get("instructions", "")
        self.fields = document["fields"]
        self.updated_at = timezone.now()

    def archive(self) -> None:
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at"])

    def unarchive(self) -> None:
        self.archived_at = None
        self.save(update_fields=["archived_at"])


class HomeworkExercise(models.Model):
    """A homework that carries an exercise. The fields are copied so later edits don't change it."""

    homework = models.OneToOneField("homework.Homework", on_delete=models.CASCADE, related_name="homework_exercise")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="homework_exercises")
    fields_snapshot = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.exercise} for homework {self.homework_id}"
