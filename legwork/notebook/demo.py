"""Demo notebook entries (some shared) and thinking time with a history of taken and skipped blocks."""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from legwork.homework.models import Homework

from .models import JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence

if TYPE_CHECKING:
    from legwork.coaching.demo import DemoPractice
    from legwork.coaching.models import Engagement

# (title, body, tags, shared?) per pattern; days ago is spread by the order.
ENTRIES = {
    "steady": [
        (
            "After the first session",
            "I came out lighter than I went in. Saying *out loud* that I don't want to "
            "manage people any more was the important bit.\n\n- less meetings\n- more making",
            "session",
            True,
        ),
        (
            "Energy, week one",
            "Mornings with a problem to solve: **high**. Status updates: flat. "
            "The Friday retro surprised me: I enjoyed running it.",
            "energy",
            False,
        ),
        (
            "Coffee with Dana",
            "Dana has been a UX researcher for six years. What stayed with me: "
            "> You spend half your time listening, and the other half convincing people to listen.\n\n"
            "She offered to introduce me to [the local meetup](https://example.com/meetup).",
            "ux, networking",
            True,
        ),
        (
            "Doubts",
            "What if I'm romanticising it? I keep coming back to the listening part, which I know I like.",
            "doubts",
            False,
        ),
        (
            "Portfolio idea",
            "Three small case studies from work, written up honestly, including what didn't work.",
            "ux, portfolio",
            False,
        ),
    ],
    "crammer": [
        (
            "Late again",
            "Did the CV summary the night before, again. It's fine but not what I could do.",
            "procrastination",
            True,
        ),
        (
            "Why the last minute?",
            "Maybe it's that starting feels like committing. If I start early it's real.",
            "procrastination",
            False,
        ),
        (
            "A good hour",
            "Wrote for an hour on Tuesday morning, before email. Easy. Why don't I do this?",
            "time",
            False,
        ),
    ],
    "stuck": [
        ("Northwind", "I've opened the application four times. The cover letter is the wall.", "northwind", True),
        ("What's in the way", "If I'm honest I'm not sure I want it. It's the *sensible* job.", "doubts", False),
        (
            "Talked to Sam",
            "Sam asked what I'd do if money weren't the question. I didn't say Northwind.",
            "values",
            False,
        ),
        ("A smaller step", "Maybe the step isn't the application but finding out what else is out there.", "", False),
    ],
    "new": [
        ("Before we start", "Nervous, hopeful. I want to leave the first session with one clear thing.", "", False)
    ],
    "paused": [
        ("Taking a break", "Family things need me for a while. I'll come back to this.", "", False),
        ("Still thinking", "Even paused, I notice I'm paying attention to what energises me.", "energy", False),
    ],
}

BLOCKS = {
    # pattern: (rrule, start, minutes, note, chance it is taken, reasons for skipping)
    "steady": ("FREQ=WEEKLY;BYDAY=SA", dt.time(9), 90, "garden, strong coffee, notebook", 0.85, ["visitors"]),
    "crammer": ("FREQ=WEEKLY;BYDAY=WE", dt.time(19, 30), 60, "kitchen table after dinner", 0.35,
                ["too tired", "worked late", "forgot"]),
    "stuck": ("FREQ=WEEKLY;BYDAY=TU,SU", dt.time(7, 30), 45, "walk by the river", 0.5, ["rain", "didn't feel like it"]),
}  # fmt: skip


def _entries(engagement: Engagement, pattern: str, rng: random.Random) -> None:
    now = timezone.now()
    homework = Homework.objects.filter(engagement=engagement).order_by("-due_on").first()
    items = ENTRIES.get(pattern, [])
    for index, (title, body, tags, shared) in enumerate(items):
        written = now - dt.timedelta(days=(len(items) - index) * 9 + rng.randint(0, 3), hours=rng.randint(0, 10))
        entry = JournalEntry.objects.create(
            client=engagement.client,
            title=title,
            body=body,
            tags=tags,
            homework=homework if index == 0 and homework else None,
            created_at=written,
            updated_at=written,
        )
        if shared:
            entry.shared_with = engagement
            entry.shared_at = written + dt.timedelta(hours=2)
            entry.save(update_fields=["shared_with", "shared_at"])


def _thinking_time(engagement: Engagement, pattern: str, rng: random.Random) -> None:
    if pattern not in BLOCKS:
        return
    rrule, start, minutes, note, chance, reasons = BLOCKS[pattern]
    now = timezone.now()
    client = engagement.client
    block = ThinkingTimeBlock.objects.create(
        client=client,
        rrule=rrule,
        start_time=start,
        duration_minutes=minutes,
        timezone=client.timezone,
        note=note,
        created_at=now - dt.timedelta(days=70),
    )
    marks = []
    for when in block.occurrences_between(now - dt.timedelta(days=63), now - dt.timedelta(hours=2)):
        if rng.random() < 0.15:
            continue  # not every block gets marked: that's honest too
        taken = rng.random() < chance
        marks.append(
            ThinkingTimeOccurrence(
                block=block,
                starts_at=when,
                status=ThinkingTimeOccurrence.Status.TAKEN if taken else ThinkingTimeOccurrence.Status.SKIPPED,
                note="" if taken else rng.choice(reasons),
                recorded_at=when + dt.timedelta(minutes=minutes + 30),
            )
        )
    ThinkingTimeOccurrence.objects.bulk_create(marks)


def populate(practice: DemoPractice) -> None:
    rng = random.Random(11)
    for pattern, engagement in practice.engagements.items():
        _entries(engagement, pattern, rng)
        _thinking_time(engagement, pattern, rng)
