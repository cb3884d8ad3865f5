"""`recent_patterns` reads only the latest sessions, and answers as if it had read them all."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_engagement, make_homework, make_session, make_user
from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import ProgressEntry
from legwork.insights.history import RECENT_SESSIONS_WITHIN, RecentPattern, recent_patterns
from legwork.insights.metrics import CRAMMING_INTERVALS, last_minute_of

NOW = timezone.now().replace(microsecond=0)


def every_session_read(engagement: Engagement, until: dt.datetime) -> RecentPattern:
    """The plain reading: every session and entry of the engagement, the intervals cut from all of them."""
    moments = list(
        Session.objects.taking_place()
        .filter(engagement=engagement, scheduled_at__lte=until)
        .order_by("scheduled_at")
        .values_list("scheduled_at", flat=True)
    )
    starts = [min(engagement.created_at, moments[0]), *moments[:-1]] if moments else []
    windows = list(zip(starts, moments, strict=True))[-CRAMMING_INTERVALS:]
    written = list(
        ProgressEntry.objects.filter(engagement=engagement, written_at__lt=until).values_list("written_at", flat=True)
    )
    return RecentPattern(
        sessions_held=min(len(moments), CRAMMING_INTERVALS + 1),
        recent=[last_minute_of((m for m in written if start <= m), end) for start, end in windows],
    )


def history(coach: User, name: str, *, started_days_ago: int, sessions_days_ago: list[float]) -> Engagement:
    """An engagement with sessions held so many days ago (a cancelled one among them, which ends no
    interval) and, before each, one entry written in its last 24 hours and one two days before."""
    engagement = make_engagement(coach, make_user(f"{name}@example.com"))
    Engagement.objects.filter(pk=engagement.pk).update(created_at=NOW - dt.timedelta(days=started_days_ago))
    engagement.refresh_from_db()
    homework = make_homework(engagement)
    entries = []
    for days in sessions_days_ago:
        at = NOW - dt.timedelta(days=days)
        make_session(engagement, at=at, status=Session.Status.HELD if at < NOW else Session.Status.SCHEDULED)
        make_session(engagement, at=at - dt.timedelta(days=1, hours=3), status=Session.Status.CANCELLED)
        for before in (dt.timedelta(hours=5), dt.timedelta(days=2)):
            entries.append(
                ProgressEntry(
                    homework=homework,
                    engagement=engagement,
                    author=engagement.client,
                    occurred_on=(at - before).date(),
                    written_at=at - before,
                )
            )
    ProgressEntry.objects.bulk_create(entries)
    return engagement


@pytest.mark.django_db
def test_it_answers_as_if_it_had_read_every_session_for_every_kind_of_history(alice: User) -> None:
    long_ago = RECENT_SESSIONS_WITHIN.days + 30
    engagements = [
        # Two years of fortnightly sessions: only the latest are read.
        history(alice, "steady", started_days_ago=730, sessions_days_ago=[d + 0.5 for d in range(720, 0, -14)]),
        # Paused: every session long ago.
        history(alice, "paused", started_days_ago=900, sessions_days_ago=[long_ago + d for d in range(200, 0, -20)]),
        # Meeting rarely: two sessions lately, more before.
        history(alice, "rare", started_days_ago=400, sessions_days_ago=[300, 250, 200, 90, 30]),
        # One session short lately: the interval before them needs the session before.
        history(alice, "short", started_days_ago=250, sessions_days_ago=[200, 100, 70, 40]),
        # Exactly enough lately, and the engagement began before the first.
        history(alice, "exact", started_days_ago=100, sessions_days_ago=[80, 60, 40, 20]),
        # New: one session held, one to come.
        history(alice, "new", started_days_ago=10, sessions_days_ago=[3, -4]),
        # Nothing yet.
        history(alice, "nothing", started_days_ago=2, sessions_days_ago=[]),
    ]
    for until in (NOW, NOW - dt.timedelta(days=45), NOW - dt.timedelta(days=long_ago + 100)):
        found = recent_patterns(engagements, until)
        for engagement in engagements:
            assert found[engagement.pk] == every_session_read(engagement, until), (engagement.client.email, until)
    steady = recent_patterns(engagements, NOW)[engagements[0].pk]
    assert steady.sessions_held == CRAMMING_INTERVALS + 1
    assert steady.recent == [(1, 2)] * CRAMMING_INTERVALS  # one of two entries in the last 24 hours, each time


@pytest.mark.django_db
def test_it_reads_all_sessions_only_of_those_with_few_lately(alice: User) -> None:
    steady = history(alice, "steady", started_days_ago=730, sessions_days_ago=[d + 0.5 for d in range(720, 0, -14)])
    with CaptureQueriesContext(connection) as queries:
        recent_patterns([steady], NOW)
    assert len(queries) == 2  # the latest sessions, their entries
    paused = history(alice, "paused", started_days_ago=900, sessions_days_ago=[400, 300, 200])
    with CaptureQueriesContext(connection) as queries:
        recent_patterns([steady, paused], NOW)
    assert len(queries) == 3  # and the paused one's every session
