"""Large, realistic practices for the benchmark, built with bulk inserts.

Coaches come in practices of 20 (coach 0 of each owns it, the others coach in it): small is
5 practices, large 50. Per coach: 20 clients; per client two years of fortnightly sessions, the homework
agreed at each, its progress entries and outcome, a goal, journal entries (some
shared with the coach) and a thinking-time block with its recent occurrences.
Coaches are numbered from 0 and built in batches, each in one transaction; the
`ScaleSeed` marker counts the coaches finished, so a run resumes where it stopped
and a larger size adds only the missing coaches. Every coach gets the same shape
of data, so the pages of coach 0 (and the admin's pages of practice 0) can be compared between a
small and a large build.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from legwork.accounts.models import User
from legwork.bench.models import ScaleSeed
from legwork.coaching.models import AgendaItem, Engagement, Goal, Session
from legwork.homework.models import Decision, Homework, Outcome, ProgressEntry, Purpose, Reason
from legwork.practice.models import Membership, Practice

SIZES = {"small": 100, "large": 1000}  # coaches: 5 practices of 20, and 50 practices of 20
COACHES_PER_PRACTICE = 20
CLIENTS_PER_COACH = 20
SESSIONS_PER_CLIENT = 52  # two years, fortnightly; the last one or two are still to come
JOURNAL_ENTRIES_PER_CLIENT = 12
THINKING_WEEKS = 6
COACHES_PER_BATCH = 5
INSERT_BATCH = 2000
SCALE_DOMAIN = "scale.legwork.test"
SCALE_PASSWORD = "legwork-scale"
ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney"]

HOMEWORK_TITLES = [
    "Send the application to Acme",
    "Call two people from the alumni list",
    "Rewrite the first paragraph of my CV",
    "Ask Sam for a coffee about the product role",
    "List ten things I enjoyed in past jobs",
    "Read three job adverts and note what they ask for",
    "Update my LinkedIn headline",
    "Write down what a good week at work looks like",
]
NOTES = ["Half an hour at the kitchen table.", "Did it on the train.", "Harder than I thought.", ""]
JOURNAL_BODY = (
    "Today I noticed that **the calls I dread** go better than the ones I look forward to.\n\n"
    "- What gave me energy: the conversation with Sam\n- What drained me: the cover letter\n"
)


def coach_email(index: int) -> str:
    return f"scale-coach-{index}@{SCALE_DOMAIN}"


def client_email(coach_index: int, client_index: int) -> str:
    return f"scale-client-{coach_index}-{client_index}@{SCALE_DOMAIN}"


def practice_name(index: int) -> str:
    return f"Scale practice {index}"


def seeded_coaches() -> int:
    marker = ScaleSeed.objects.filter(pk=1).first()
    return marker.coaches if marker else 0


def optional_model(app_label: str, name: str) -> Any:
    """Another app's model if it exists yet: the seeder keeps working while the apps grow."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


@dataclass
class SeedCounts:
    coaches: int = 0
    clients: int = 0
    sessions: int = 0
    homework: int = 0
    progress: int = 0
    journal: int = 0
    thinking: int = 0

    def add(self, other: SeedCounts) -> None:
        for field in self.__dataclass_fields__:
            setattr(self, field, getattr(self, field) + getattr(other, field))


Progress = Callable[[int, int, SeedCounts, float], None]


def seed_scale(*, coaches: int, progress: Progress | None = None, batch: int = COACHES_PER_BATCH) -> SeedCounts:
    """Build coaches up to `coaches` in all; returns what this run inserted."""
    start = seeded_coaches()
    total = SeedCounts()
    began = time.monotonic()
    password = make_password(SCALE_PASSWORD)  # one hash for everyone: hashing 20,000 times would take an hour
    now = timezone.now()
    for first in range(start, coaches, batch):
        last = min(first + batch, coaches)
        with transaction.atomic():
            counts = _seed_coaches(range(first, last), password=password, now=now)
            ScaleSeed.objects.update_or_create(pk=1, defaults={"coaches": last, "updated_at": timezone.now()})
        total.add(counts)
        if progress:
            progress(last, coaches, total, time.monotonic() - began)
    if total.coaches:
        # Fresh statistics, or the planner guesses on tables that grew a hundredfold.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return total


def _seed_memberships(indexes: range, coaches: list[User], *, now: dt.datetime) -> None:
    """Each coach in practice `index // 20`: the first of the twenty owns it (made with them), the others
    coach in it. A batch may start in the middle of a practice that an earlier batch made."""
    wanted = {practice_name(i // COACHES_PER_PRACTICE) for i in indexes}
    practices = {p.name: p for p in Practice.objects.filter(name__in=wanted)}
    new = [Practice(name=name, created_at=now) for name in sorted(wanted - set(practices))]
    Practice.objects.bulk_create(new)
    practices |= {p.name: p for p in new}
    Membership.objects.bulk_create(
        [
            Membership(
                practice=practices[practice_name(i // COACHES_PER_PRACTICE)],
                user=coach,
                role=Membership.Role.OWNER if i % COACHES_PER_PRACTICE == 0 else Membership.Role.COACH,
                joined_at=now,
            )
            for i, coach in zip(indexes, coaches, strict=True)
        ],
        batch_size=INSERT_BATCH,
    )


def _seed_coaches(indexes: range, *, password: str, now: dt.datetime) -> SeedCounts:
    counts = SeedCounts()
    today = now.date()
    # Two years in, a coach has long put the first-run checklist away (legwork/lib/first_steps.py).
    coach_users = [
        User(
            email=coach_email(i),
            name=f"Coach {i}",
            is_coach=True,
            password=password,
            timezone=ZONES[i % len(ZONES)],
            first_steps_done_at=now - dt.timedelta(days=14 * SESSIONS_PER_CLIENT - 30),
        )
        for i in indexes
    ]
    User.objects.bulk_create(coach_users, batch_size=INSERT_BATCH)
    client_users: list[User] = []
    for i in indexes:
        for j in range(CLIENTS_PER_COACH):
            client_users.append(
                User(
                    email=client_email(i, j), name=f"Client {i}-{j}", password=password, timezone=ZONES[j % len(ZONES)]
                )
            )
    User.objects.bulk_create(client_users, batch_size=INSERT_BATCH)
    counts.coaches, counts.clients = len(coach_users), len(client_users)
    _seed_memberships(indexes, coach_users, now=now)

    started = today - dt.timedelta(days=14 * SESSIONS_PER_CLIENT)
    engagements = []
    for n, client in enumerate(client_users):
        coach = coach_users[n // CLIENTS_PER_COACH]
        paused = n % CLIENTS_PER_COACH == CLIENTS_PER_COACH - 1
        engagements.append(
            Engagement(
                coach=coach,
                client=client,
                status=Engagement.Status.PAUSED if paused else Engagement.Status.ACTIVE,
                started_on=started,
                created_at=now - dt.timedelta(days=14 * SESSIONS_PER_CLIENT),
            )
        )
    Engagement.objects.bulk_create(engagements, batch_size=INSERT_BATCH)
    goals = [
        Goal(engagement=e, title="A role where I use what I'm good at", created_at=now - dt.timedelta(days=700))
        for e in engagements
    ]
    Goal.objects.bulk_create(goals, batch_size=INSERT_BATCH)

    # Sessions: the k-th at 10:00 UTC on a day that differs by client, the last ones still to come.
    sessions: list[Session] = []
    rng = random.Random(indexes.start)
    for n, engagement in enumerate(engagements):
        offset = n % 14 + 1
        for k in range(SESSIONS_PER_CLIENT):
            day = today + dt.timedelta(days=14 * (k - SESSIONS_PER_CLIENT + 1) + offset)
            at = dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)
            if at >= now:
                status = Session.Status.SCHEDULED
            elif rng.random() < 0.03:
                status = Session.Status.CANCELLED
            else:
                status = Session.Status.HELD
            sessions.append(
                Session(
                    engagement=engagement,
                    scheduled_at=at,
                    status=status,
                    agenda="Review the interval; plan the next one.",
                    shared_notes="We talked about what got in the way." if status == Session.Status.HELD else "",
                    private_notes="Energy low at the start, better by the end." if k % 3 == 0 else "",
                    created_at=at - dt.timedelta(days=14),
                )
            )
    Session.objects.bulk_create(sessions, batch_size=INSERT_BATCH)
    counts.sessions = len(sessions)

    # Homework agreed at each held session, due at the next one; reviewed there if it was held.
    homework: list[Homework] = []
    for n, engagement in enumerate(engagements):
        mine = sessions[n * SESSIONS_PER_CLIENT : (n + 1) * SESSIONS_PER_CLIENT]
        for k, session in enumerate(mine[:-1]):
            if session.status != Session.Status.HELD:
                continue
            # Due at the next session that takes place: a cancelled one does not review anything.
            following = next(s for s in mine[k + 1 :] if s.status != Session.Status.CANCELLED)
            for extra in range(2 if k % 4 == 0 else 1):
                homework.append(
                    _homework(engagement, session, following, goals[n], rng, title_index=k + extra, now=now)
                )
    Homework.objects.bulk_create(homework, batch_size=INSERT_BATCH)
    counts.homework = len(homework)

    entries: list[ProgressEntry] = []
    for item in homework:
        start_day = item.agreed_in.scheduled_at.date() if item.agreed_in else item.due_on
        for _ in range(rng.choice((0, 1, 1, 2, 2))):
            day = start_day + dt.timedelta(days=rng.randint(1, 13))
            if day > today:
                continue
            written = dt.datetime.combine(day, dt.time(rng.randint(7, 21), rng.randint(0, 59)), tzinfo=dt.UTC)
            backdated = rng.random() < 0.1
            entries.append(
                ProgressEntry(
                    homework=item,
                    engagement_id=item.engagement_id,
                    author_id=item.engagement.client_id,
                    note=rng.choice(NOTES),
                    minutes=rng.choice((None, 15, 30, 45, 60)),
                    occurred_on=day - dt.timedelta(days=1) if backdated else day,
                    written_at=min(written, now),
                )
            )
    ProgressEntry.objects.bulk_create(entries, batch_size=INSERT_BATCH)
    counts.progress = len(entries)

    agenda = [
        AgendaItem(
            engagement=e,
            kind=AgendaItem.Kind.TO_EXPLORE,
            text="Carried over twice: what is in the way?",
            raised_at=now - dt.timedelta(days=10),
        )
        for n, e in enumerate(engagements)
        if n % 5 == 2
    ]
    AgendaItem.objects.bulk_create(agenda, batch_size=INSERT_BATCH)

    counts.journal = _seed_journal(engagements, rng, now=now)
    counts.thinking = _seed_thinking_time(client_users, rng, now=now)
    return counts


def _homework(
    engagement: Engagement,
    session: Session,
    following: Session,
    goal: Goal,
    rng: random.Random,
    *,
    title_index: int,
    now: dt.datetime,
) -> Homework:
    fields: dict[str, Any] = {}
    if following.status == Session.Status.HELD:
        outcome = rng.choices(
            [Outcome.DONE, Outcome.PARTLY, Outcome.NOT_DONE, Outcome.DROPPED], weights=[55, 20, 20, 5]
        )[0]
        fields = {
            "outcome": outcome,
            "reviewed_in": following,
            "reviewed_at": following.scheduled_at + dt.timedelta(minutes=50),
        }
        if outcome in (Outcome.PARTLY, Outcome.NOT_DONE):
            fields["reason"] = rng.choice(list(Reason)).value
            fields["decision"] = rng.choice(list(Decision)).value
    return Homework(
        engagement=engagement,
        agreed_in=session,
        goal=goal if title_index % 2 == 0 else None,
        title=HOMEWORK_TITLES[title_index % len(HOMEWORK_TITLES)],
        purpose=Purpose.EXPLORE if title_index % 3 == 0 else Purpose.ACT,
        first_step="Open the document",
        plan_when="Tuesday after the school run",
        plan_where="at the kitchen table",
        due_on=following.scheduled_at.date(),
        status=Homework.Status.CONFIRMED,
        confirmed_at=min(session.scheduled_at + dt.timedelta(hours=5), now),
        created_by_id=engagement.coach_id,
        created_at=session.scheduled_at + dt.timedelta(minutes=55),
        **fields,
    )


def _seed_journal(engagements: list[Engagement], rng: random.Random, *, now: dt.datetime) -> int:
    model = optional_model("notebook", "JournalEntry")
    if model is None:
        return 0
    entries = []
    for engagement in engagements:
        for m in range(JOURNAL_ENTRIES_PER_CLIENT):
            created = now - dt.timedelta(days=60 * m + rng.randint(0, 30), hours=rng.randint(0, 12))
            shared = m % 3 == 0
            entries.append(
                model(
                    client_id=engagement.client_id,
                    title=f"What gave me energy, week {m}",
                    body=JOURNAL_BODY,
                    tags="energy, networking",
                    shared_with=engagement if shared else None,
                    shared_at=created + dt.timedelta(hours=1) if shared else None,
                    created_at=created,
                    updated_at=created,
                )
            )
    model.objects.bulk_create(entries, batch_size=INSERT_BATCH)
    return len(entries)


def _seed_thinking_time(clients: list[User], rng: random.Random, *, now: dt.datetime) -> int:
    block_model = optional_model("notebook", "ThinkingTimeBlock")
    if block_model is None:
        return 0
    blocks = [
        block_model(
            client=client,
            rrule="FREQ=WEEKLY;BYDAY=SA",
            start_time=dt.time(9),
            duration_minutes=90,
            timezone=client.timezone,
            note="Phone in the other room",
            created_at=now - dt.timedelta(days=200),
        )
        for client in clients
    ]
    block_model.objects.bulk_create(blocks, batch_size=INSERT_BATCH)
    occurrence_model = optional_model("notebook", "ThinkingTimeOccurrence")
    if occurrence_model is None:
        return len(blocks)
    occurrences = []
    last_saturday = now.date() - dt.timedelta(days=(now.weekday() - 5) % 7 or 7)
    for block in blocks:
        zone = zoneinfo.ZoneInfo(block.timezone)
        for week in range(THINKING_WEEKS):
            day = last_saturday - dt.timedelta(weeks=week)
            starts = dt.datetime.combine(day, dt.time(9), tzinfo=zone).astimezone(dt.UTC)
            occurrences.append(
                occurrence_model(
                    block=block,
                    starts_at=starts,
                    status=rng.choice(("taken", "taken", "skipped")),
                    recorded_at=starts + dt.timedelta(hours=2),
                )
            )
    occurrence_model.objects.bulk_create(occurrences, batch_size=INSERT_BATCH)
    return len(blocks)
