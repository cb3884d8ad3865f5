"""The one gate for exercises: built-ins, a coach's own and those shared in their practice; 404 for the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from legwork.coaching.access import int_pk

from .models import Exercise

if TYPE_CHECKING:
    from legwork.accounts.models import User


def get_exercise_for_user(user: User, pk: object) -> Exercise:
    exercise = Exercise.objects.visible_to(user).select_related("owner").filter(pk=int_pk(pk)).first()
    if exercise is None:
        raise Http404("No such exercise.")
    return exercise


def require_editable(exercise: Exercise, user: User) -> None:
    """Built-ins are read-only for everyone, and so is a colleague's shared one; a coach changes only their own."""
    if not exercise.is_editable_by(user):
        raise PermissionDenied("This exercise is read-only for you: duplicate it to make your own.")
