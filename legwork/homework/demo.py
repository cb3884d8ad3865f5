"""The demo practice's loop: months of sessions, homework, progress and reviews for each client.

Called by `legwork.coaching.demo.build_demo_practice` before the apps above it add theirs. The
history is written with its own dates (the past can't be lived through the services), but every
rule that decides something, such as raising a homework "to explore", is the loop's own.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from django.utils import timezone

from legwork.coaching.demo import at_local
from legwork.coaching.models import Engagement, Goal, Session

from .models import Decision, Homework, Outcome, ProgressEntry, Purpose, Reason
from .services import raise_if_keeps_not_happening

if TYPE_CHECKING:
    from legwork.coaching.demo import DemoPractice

HOMEWORK_IDEAS = [
    ("Talk to two people who work in UX research", Purpose.EXPLORE),
    ("Write the first draft of my CV summary", Purpose.ACT),
    ("List ten things that gave me energy this month", Purpose.EXPLORE),
    ("Ask Dana for an informational interview", Purpose.ACT),
    ("Read about three career paths in public health", Purpose.EXPLORE),
    ("Update my LinkedIn headline", Purpose.ACT),
    ("Fill in the Possible Selves worksheet", Purpose.EXPLORE),
    ("Book a coffee with a former colleague", Purpose.ACT),
    ("Notice when I lose track of time at work", Purpose.EXPLORE),
    ("Draft a cover letter for the charity role", Purpose.ACT),
]
STUCK_TITLE = "Send the application to Northwind"


def _progress_times(pattern: str, start: dt.datetime, end: dt.datetime, rng: random.Random) -> list[dt.datetime]:
    span = (end - start).total_seconds()
    if pattern == "steady":
        count = rng.randint(4, 6)
        return [start + dt.timedelta(seconds=span * (i + rng.uniform(0.2, 0.8)) / count) for i in range(count)]
    if pattern == "crammer":
        return [end - dt.timedelta(hours=rng.uniform(2, 20)) for _ in range(rng.randint(2, 4))]
    if pattern == "stuck":
        return [start + dt.timedelta(seconds=span * rng.uniform(0.1, 0.9)) for _ in range(rng.randint(1, 3))]
    return [start + dt.timedelta(seconds=span * rng.uniform(0.3, 0.9)) for _ in range(rng.randint(1, 3))]


def _outcome(pattern: str, title: str, rng: random.Random) -> tuple[str, str, str]:
    if title == STUCK_TITLE:
        return Outcome.NOT_DONE, Reason.PROCRASTINATION, Decision.CARRY_OVER
    if pattern == "crammer":
        return rng.choice([(Outcome.DONE, "", ""), (Outcome.PARTLY, Reason.TIME, ""), (Outcome.DONE, "", "")])
    if pattern == "paused":
        return rng.choice([(Outcome.DONE, "", ""), (Outcome.NOT_DONE, Reason.LIFE, Decision.DROP)])
    return Outcome.DONE, "", ""


def build_history(engagement: Engagement, pattern: str, intervals: int, rng: random.Random, *, upcoming: bool) -> None:
    client = engagement.client
    now = timezone.now()
    today = now.astimezone(client.zone).date()
    next_day = today + dt.timedelta(days=4)
    days = [next_day - dt.timedelta(days=14 * (intervals - i)) for i in range(intervals)]
    if not upcoming:
        days = [day - dt.timedelta(days=60) for day in days]
    sessions = [
        Session.objects.create(
            engagement=engagement,
            scheduled_at=at_local(day, 17, 30, client),
            status=Session.Status.HELD,
            shared_notes="We looked at what moved and what didn't.",
            private_notes="Energy better than last time.",
        )
        for day in days
    ]
    if upcoming:
        sessions.append(Session.objects.create(engagement=engagement, scheduled_at=at_local(next_day, 17, 30, client)))
    engagement.created_at = sessions[0].scheduled_at - dt.timedelta(days=3)
    engagement.started_on = engagement.created_at.date()
    engagement.save(update_fields=["created_at", "started_on"])
    goal = Goal.objects.create(
        engagement=engagement, title="Find work that uses what I'm good at", created_at=engagement.created_at
    )
    carried: Homework | None = None
    for index, session in enumerate(sessions[:-1] if upcoming else sessions):
        following = sessions[index + 1] if index + 1 < len(sessions) else None
        titles = rng.sample(HOMEWORK_IDEAS, 2)
        batch: list[tuple[str, str, Homework | None]] = [(title, purpose, None) for title, purpose in titles]

        if pattern == "stuck" and index >= len(sessions) - 4:
            batch.append((STUCK_TITLE, Purpose.ACT, carried))
        end = following.scheduled_at if following else session.scheduled_at + dt.timedelta(days=14)
        carried = None
        for title, purpose, carried_from in batch:
            homework = Homework.objects.create(
                engagement=engagement,
                agreed_in=session,
                goal=goal,
                title=title,
                purpose=purpose,
                first_step="Put 20 minutes in the diary",
                plan_when="Tuesday evening",
                plan_where="at the kitchen table",
                due_on=end.astimezone(client.zone).date(),
                status=Homework.Status.CONFIRMED,
                confirmed_at=session.ends_at + dt.timedelta(hours=2),
                created_by=engagement.coach,
                created_at=session.ends_at,
                carried_from=carried_from,
            )
            finished = following is not None and following.status == Session.Status.HELD
            if not finished and pattern == "new" and title == titles[1][0]:
                homework.status = Homework.Status.PROPOSED
                homework.confirmed_at = None
                homework.save(update_fields=["status", "confirmed_at"])
                continue
            if title == STUCK_TITLE:
                times = [] if rng.random() < 0.7 else [session.ends_at + dt.timedelta(days=2)]
            else:
                times = [t for t in _progress_times(pattern, session.ends_at, end, rng) if t < now]
            ProgressEntry.objects.bulk_create(
                ProgressEntry(
                    homework=homework,
                    engagement=homework.engagement,
                    author=client,
                    note=rng.choice(
                        [
                            "Made a start.",
                            "Half an hour on it, felt good.",
                            "Harder than I thought.",
                            "Sent two emails.",
                            "Wrote a page of notes.",
                            "Talked it through with a friend.",
                        ]
                    ),
                    minutes=rng.choice([10, 15, 20, 30, 45, 60]),
                    occurred_on=moment.astimezone(client.zone).date(),
                    written_at=moment,
                )
                for moment in times
            )
            if finished and following is not None:
                outcome, reason, decision = _outcome(pattern, title, rng)
                Homework.objects.filter(pk=homework.pk).update(
                    outcome=outcome,
                    reason=reason,
                    decision=decision,
                    reviewed_in=following,
                    reviewed_at=following.ends_at,
                )
                if decision == Decision.CARRY_OVER:
                    carried = homework
    if pattern == "stuck":
        # Raised by the review's own rule, so its words and count are what every page says.
        latest = Homework.objects.filter(engagement=engagement, title=STUCK_TITLE).order_by("-created_at").first()
        if latest is not None and latest.carried_from is not None:
            raise_if_keeps_not_happening(latest.carried_from, latest, now=sessions[-2].ends_at)


# How many intervals of history each pattern has.
SHAPES = {"steady": 8, "crammer": 8, "stuck": 8, "new": 1, "paused": 4}


def populate(practice: DemoPractice) -> None:
    rng = random.Random(practice.seed)
    for pattern, engagement in practice.engagements.items():
        build_history(engagement, pattern, SHAPES[pattern], rng, upcoming=pattern != "paused")
        if pattern == "paused":
            engagement.set_status(Engagement.Status.PAUSED)
