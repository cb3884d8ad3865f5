"""Test data for more than one test module."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from conftest import make_homework
from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.exercises.models import Exercise, HomeworkExercise
from legwork.homework.models import Homework, ProgressEntry
from legwork.insights.models import Reflection
from legwork.notebook.models import JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence


def busy_interval(engagement: Engagement, session: Session, *, entries: int, homework: int = 4) -> None:
    """`homework` pieces of homework with `entries` progress entries spread over the last ten days."""
    agreed = timezone.now() - dt.timedelta(days=10, hours=-1)
    items = [
        make_homework(
            engagement,
            f"Homework number {n} with a title long enough to wrap",
            created_at=agreed,
            status=Homework.Status.CONFIRMED,
            first_step="Twenty minutes in the diary",
        )
        for n in range(homework)
    ]
    now = timezone.now()
    ProgressEntry.objects.bulk_create(
        ProgressEntry(
            homework=items[n % homework],
            engagement=engagement,
            author=engagement.client,
            note=f"Worked on it for a while, entry {n}, and wrote down what I noticed.",
            minutes=20,
            occurred_on=(now - dt.timedelta(hours=1 + n * 240 / entries)).date(),
            written_at=now - dt.timedelta(hours=1 + n * 240 / entries),
            answers={"hoped_for": f"A self I hope for {n}", "feared": "Stuck"} if n % 50 == 0 else None,
        )
        for n in range(entries)
    )
    exercise = Exercise.objects.create(
        slug="possible-selves-test",
        title="Possible Selves",
        purpose="explore",
        kind="intuitive",
        instructions="Write them down.",
        fields=[],
    )
    HomeworkExercise.objects.create(
        homework=items[0],
        exercise=exercise,
        fields_snapshot=[
            {"name": "hoped_for", "label": "Hoped-for self", "type": "long_text"},
            {"name": "feared", "label": "Feared self", "type": "long_text"},
        ],
    )
    block = ThinkingTimeBlock.objects.create(
        client=engagement.client,
        rrule="FREQ=WEEKLY;BYDAY=SA,WE",
        start_time=dt.time(9, 0),
        timezone="Europe/London",
        created_at=agreed - dt.timedelta(days=30),
    )
    first = block.occurrences_between(agreed, now)[0]
    ThinkingTimeOccurrence.objects.create(block=block, starts_at=first, status="taken")
    AgendaItem.objects.create(
        engagement=engagement, kind=AgendaItem.Kind.TO_EXPLORE, text="The CV keeps being carried over"
    )
    Reflection.objects.create(
        session=session,
        what_i_did="Steady work most days.",
        what_i_learned="Mornings work for me.",
        what_got_in_the_way="A cold.",
        what_i_want_next="Plan the applications.",
    )
    JournalEntry.objects.create(
        client=engagement.client,
        title="Shared: what energises me",
        body="Talking to people **who build things**.",
        shared_with=engagement,
        shared_at=now - dt.timedelta(days=1),
    )
