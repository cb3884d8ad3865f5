"""Demo exercises: Possible Selves proposed to the steady client and answered over two sittings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from legwork.homework.models import ProgressEntry

from .models import Exercise
from .services import answers_save, exercise_propose

if TYPE_CHECKING:
    from legwork.coaching.demo import DemoPractice

FIRST_SITTING = {
    "selves": [
        {
            "kind": "Hoped-for",
            "description": "I run user research for a product people rely on, and my findings change what gets built.",
            "strategies": ["Coffee with two researchers", "Write up one work project as a case study"],
        },
        {
            "kind": "Expected",
            "description": "Still a team lead, a bit more senior, a bit more tired.",
            "strategies": [],
        },
    ],
    "strongest": "",
    "first_step": "",
}
SECOND_SITTING = {
    "selves": [
        *FIRST_SITTING["selves"],
        {
            "kind": "Feared",
            "description": "I talk about changing for years and never try.",
            "strategies": ["Tell a friend my plan so it's real", "Put thinking time in the calendar and keep it"],
        },
    ],
    "strongest": "The feared one, honestly. Writing it down made it smaller.",
    "first_step": "Coffee with Dana on Thursday",
}


def populate(practice: DemoPractice) -> None:
    engagement = practice.engagements["steady"]
    exercise = Exercise.objects.get(slug="possible-selves", owner__isnull=True)
    homework = exercise_propose(
        exercise=exercise, engagement=engagement, by=practice.coach, title="Fill in the Possible Selves worksheet"
    )
    homework.confirm()
    now = timezone.now()
    for days_ago, answers in ((5, FIRST_SITTING), (2, SECOND_SITTING)):
        entry = answers_save(
            homework=homework, by=engagement.client, answers=answers, note="Worked on the exercise “Possible Selves”."
        )
        when = now - dt.timedelta(days=days_ago, hours=3)
        ProgressEntry.objects.filter(pk=entry.pk).update(written_at=when, occurred_on=when.date())
    # A coach's own exercise, duplicated from a built-in and made personal.
    own = Exercise.objects.create(
        owner=practice.coach,
        slug="first-week-check-in",
        title="First week check-in",
        purpose="explore",
        kind="emotional",
        instructions="A few lines after your first week. No right answers.",
        fields=[
            {"name": "surprised", "label": "What surprised you this week?", "type": "long_text"},
            {"name": "hope", "label": "How hopeful do you feel?", "type": "scale", "low": "not yet", "high": "very"},
        ],
    )
    exercise_propose(exercise=own, engagement=practice.engagements["new"], by=practice.coach)
