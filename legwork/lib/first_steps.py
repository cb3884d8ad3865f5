"""First steps: the checklist on a new coach's home, each step declared by the app whose fact it is.

A step is a sentence, a page to do it on, and an `Exists` expression that says it is done:

    @first_step("invite", "Invite your first client", "invitations", order=10)
    def invited(user):
        return Exists(Invitation.objects.filter(coach=user.pk))

Steps live in the apps' `panels` modules (found as panels are: `legwork.lib.panels`), so the
coach home, in `homework`, lists a reminders step without importing reminders. All steps are
answered by one query, one row (each expression an annotation on the person), so the home page
runs the same number of queries whatever the steps and however many clients there are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, Q
from django.urls import reverse

from .panels import discover_panels

# An Exists, or Exists combined with | (a Q): true once the step is done.
Done = Exists | Q
DoneExpression = Callable[[Any], Done]


@dataclass(frozen=True)
class Step:
    key: str
    text: str
    url_name: str
    anchor: str
    order: int
    done: DoneExpression


@dataclass(frozen=True)
class StepState:
    key: str
    text: str
    url: str
    done: bool


_steps: dict[str, Step] = {}


def first_step(
    key: str, text: str, url_name: str, *, order: int, anchor: str = ""
) -> Callable[[DoneExpression], DoneExpression]:
    """Declare a step: `text` is done on the page `url_name` (+ `#anchor`) once the function's
    expression (given the person) is true."""

    def decorator(function: DoneExpression) -> DoneExpression:
        _steps[key] = Step(key=key, text=text, url_name=url_name, anchor=anchor, order=order, done=function)
        return function

    return decorator


def first_steps(user: Any) -> list[StepState]:
    """Every step, in order, with whether `user` has done it: one query."""
    discover_panels()
    steps = sorted(_steps.values(), key=lambda step: step.order)
    if not steps:
        return []
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(**{f"step_{step.key}": step.done(user) for step in steps})
        .values(*(f"step_{step.key}" for step in steps))
        .first()
    ) or {}
    return [
        StepState(
            key=step.key,
            text=step.text,
            url=reverse(step.url_name) + (f"#{step.anchor}" if step.anchor else ""),
            done=bool(row.get(f"step_{step.key}")),
        )
        for step in steps
    ]
