"""Demo reflections: the steady, crammer and stuck clients each wrote before their recent sessions.

The patterns themselves (when progress was written, what was carried over) come from the core demo
history; the numbers and pictures on the brief and the insights pages follow from it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from legwork.coaching.models import Session

from .models import InsightSettings, Reflection

if TYPE_CHECKING:
    from legwork.coaching.demo import DemoPractice

REFLECTIONS = {
    "steady": [
        (
            "A little most days: two conversations, and a first go at the CV summary.",
            "Short sessions suit me. Twenty minutes after breakfast is enough to keep things moving.",
            "Not much. One evening lost to a work deadline.",
            "Choose which of the two paths to look at more closely.",
        ),
    ],
    "crammer": [
        (
            "Most of it on Sunday night and this morning, honestly.",
            "I do good work under pressure, but I'm tired when I do.",
            "The first week disappeared. I kept meaning to start and didn't.",
            "Find a way to start earlier in the fortnight without it feeling like a chore.",
        ),
    ],
    "stuck": [
        (
            "I updated my headline and read about two roles.",
            "Reading is easy for me. Sending things is not.",
            "The Northwind application again. I open it and close it.",
            "Talk about what is really stopping me sending it.",
        ),
    ],
}


def populate(practice: DemoPractice) -> None:
    for pattern, texts in REFLECTIONS.items():
        engagement = practice.engagements[pattern]
        recent = list(engagement.sessions.exclude(status=Session.Status.CANCELLED).order_by("-scheduled_at")[:4])
        for session in recent:
            did, learned, in_the_way, want = texts[0]
            written = session.scheduled_at - dt.timedelta(hours=20 if pattern != "crammer" else 2)
            if written > timezone.now():
                if pattern != "steady":
                    continue  # not written yet: the brief says so
                written = timezone.now() - dt.timedelta(hours=1)
            Reflection.objects.create(
                session=session,
                what_i_did=did,
                what_i_learned=learned,
                what_got_in_the_way=in_the_way,
                what_i_want_next=want,
                created_at=written,
                updated_at=written,
            )
    # The paused client asked for numbers without pictures for now.
    InsightSettings.objects.create(engagement=practice.engagements["paused"], charts_on=False)
