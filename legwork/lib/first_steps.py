"""First steps: the checklist on a new coach's home, each step declared by the app whose fact it is.

A step is a sentence, a page to do it on, and an `Exists` expression that says it is done:

    @first_step("invite", "Invite your first client", "invitations", order=10)
    def invited(user):
        return Exists(Invitation.objects.filter(coach=user.pk))

Steps live in the apps' `panels` modules (found as panels are: `legwork.lib.panels`), so the
coach home, in `homework`, lists a reminders step without importing reminders. All steps are
answered by one query, one row (each expression an annotation on the person), so the home page
runs the same number of queries whatever the steps and however many clients there are; once all
are done it is remembered on the person (`checklist`) and the home runs none for them.

A step that can only be done after something else (a session needs a client) declares `ready`, an
expression true once it can be done, and what to say and where to point until then (`waiting_text`,
`waiting_url_name`): it is answered in the same query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, Q
from django.urls import reverse
from django.utils import timezone

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
    ready: DoneExpression | None = None
    waiting_text: str = ""
    waiting_url_name: str = ""


@dataclass(frozen=True)
class StepState:
    key: str
    text: str
    url: str
    done: bool


_steps: dict[str, Step] = {}


def first_step(
    key: str,
    text: str,
    url_name: str,
    *,
    order: int,
    anchor: str = "",
    ready: DoneExpression | None = None,
    waiting_text: str = "",
    waiting_url_name: str = "",
) -> Callable[[DoneExpression], DoneExpression]:
    """Declare a step: `text` is done on the page `url_name` (+ `#anchor`) once the function's
    expression (given the person) is true. Until `ready` (if given) is true, the step reads
    `waiting_text` and links to `waiting_url_name` instead."""

    def decorator(function: DoneExpression) -> DoneExpression:
        _steps[key] = Step(
            key=key,
            text=text,
            url_name=url_name,
            anchor=anchor,
            order=order,
            done=function,
            ready=ready,
            waiting_text=waiting_text or text,
            waiting_url_name=waiting_url_name or url_name,
        )
        return function

    return decorator


def checklist(user: Any) -> list[StepState]:
    """The steps while one is left to do, else none. Once every step is done (or the coach put the
    list away) the person keeps `first_steps_done_at` and the list is gone for good, with no query:
    a step done once (a first client invited) stays done even if its row is later removed."""
    if user.first_steps_done_at is not None:
        return []
    steps = first_steps(user)
    if not all(step.done for step in steps):
        return steps
    put_away(user)
    return []


def put_away(user: Any) -> None:
    """The list is done with, all its steps done or the coach's choice: it is not shown or asked again."""
    if user.first_steps_done_at is None:
        user.first_steps_done_at = timezone.now()
        get_user_model().objects.filter(pk=user.pk).update(first_steps_done_at=user.first_steps_done_at)


def first_steps(user: Any) -> list[StepState]:
    """Every step, in order, with whether `user` has done it: one query."""
    discover_panels()
    steps = sorted(_steps.values(), key=lambda step: step.order)
    if not steps:
        return []
    expressions = {f"step_{step.key}": step.done(user) for step in steps}
    expressions |= {f"ready_{step.key}": step.ready(user) for step in steps if step.ready is not None}
    row = get_user_model().objects.filter(pk=user.pk).annotate(**expressions).values(*expressions).first() or {}
    states = []
    for step in steps:
        done = bool(row.get(f"step_{step.key}"))
        if done or step.ready is None or row.get(f"ready_{step.key}"):
            text, url = step.text, reverse(step.url_name) + (f"#{step.anchor}" if step.anchor else "")
        else:
            text, url = step.waiting_text, reverse(step.waiting_url_name)
        states.append(StepState(key=step.key, text=text, url=url, done=done))
    return states
