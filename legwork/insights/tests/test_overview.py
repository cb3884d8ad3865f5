from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_engagement, make_homework, make_progress, make_session, make_user
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.homework.models import Homework

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def client_with(coach: User, name: str, *, next_in_days: int, pattern: str) -> Engagement:
    """A client whose last session was 10 days ago, and whose homework is due in `next_in_days` days.

    stuck: a confirmed homework untouched since it was agreed (10 of 14 days); silent: nothing written;
    explore: an open "to explore" agenda point; steady: an entry every other day."""
    person = make_user(f"{name.lower()}@example.com", name=name)
    engagement = make_engagement(coach, person)
    Engagement.objects.filter(pk=engagement.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    now = timezone.now()
    # Two sessions held: past the first interval, so the client is no longer "new".
    make_session(engagement, at=now - dt.timedelta(days=24), status=Session.Status.HELD)
    make_session(engagement, at=now - dt.timedelta(days=10), status=Session.Status.HELD)
    make_session(engagement, at=now + dt.timedelta(days=next_in_days))
    homework = make_homework(
        engagement,
        f"{name}'s homework",
        created_at=now - dt.timedelta(days=10),
        due_on=(now + dt.timedelta(days=next_in_days)).date(),
        status=Homework.Status.CONFIRMED,
    )
    if pattern in ("steady", "explore"):
        for days_ago in (8, 6, 4, 2, 1):
            make_progress(homework, written_at=now - dt.timedelta(days=days_ago))
    if pattern == "explore":
        AgendaItem.objects.create(engagement=engagement, kind=AgendaItem.Kind.TO_EXPLORE, text="Keeps not happening")
    if pattern == "silent":
        # Written before the last session only: nothing since.
        make_progress(homework, written_at=now - dt.timedelta(days=11))
    return engagement


@pytest.fixture
def practice(alice: User) -> dict[str, Engagement]:
    return {
        "steady": client_with(alice, "Sam", next_in_days=3, pattern="steady"),
        "stuck": client_with(alice, "Jordan", next_in_days=1, pattern="stuck"),
        "explore": client_with(alice, "Priya", next_in_days=5, pattern="explore"),
    }


def names(page: bytes) -> list[str]:
    text = page.decode()
    found = [(text.index(f">{n}<"), n) for n in ("Sam", "Jordan", "Priya", "Bob Client") if f">{n}<" in text]
    return [n for _, n in sorted(found)]


def test_it_lists_every_client_sorted_by_next_session(alice: User, practice: dict[str, Engagement]) -> None:
    page = signed_in(alice).get(reverse("coach_overview"))
    assert page.status_code == 200
    assert names(page.content) == ["Jordan", "Sam", "Priya"]


def test_it_filters_to_the_stuck_the_silent_and_those_with_things_to_explore(
    alice: User, practice: dict[str, Engagement]
) -> None:
    coach = signed_in(alice)
    # Jordan: untouched for 10 of the ~14 days since agreeing it: stuck, and nothing written since the session.
    assert names(coach.get(reverse("coach_overview"), {"stuck": "on"}).content) == ["Jordan"]
    assert names(coach.get(reverse("coach_overview"), {"silent": "on"}).content) == ["Jordan"]
    assert names(coach.get(reverse("coach_overview"), {"explore": "on"}).content) == ["Priya"]
    assert names(coach.get(reverse("coach_overview"), {"stuck": "on", "explore": "on"}).content) == []


def test_it_ignores_filter_values_it_does_not_understand(alice: User, practice: dict[str, Engagement]) -> None:
    page = signed_in(alice).get(reverse("coach_overview"), {"stuck": ["x", "y"], "bogus": "1"})
    assert page.status_code == 200


def test_it_shows_a_coach_only_their_own_clients(
    alice: User, carol: User, practice: dict[str, Engagement], carol_dan: Engagement
) -> None:
    text = signed_in(carol).get(reverse("coach_overview")).content.decode()
    assert "Dan Client" in text
    for engagement in practice.values():
        assert engagement.client.name not in text
        assert reverse("brief", args=[engagement.sessions.scheduled().get().pk]) not in text
    # And the brief behind a row of alice's is not carol's to open.
    session = practice["stuck"].sessions.scheduled().get()
    assert signed_in(carol).get(reverse("brief", args=[session.pk])).status_code == 404


def test_it_refuses_the_overview_to_a_client(bob: User, alice_bob: Engagement) -> None:
    assert signed_in(bob).get(reverse("coach_overview")).status_code == 403


def overview_queries(coach: User) -> int:
    client = signed_in(coach)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("coach_overview")).status_code == 200
    return len(captured)


def test_it_builds_the_overview_in_the_same_number_of_queries_for_2_or_50_clients(alice: User, carol: User) -> None:
    patterns = ["steady", "stuck", "explore", "silent"]
    for n in range(2):
        client_with(carol, f"Small{n}", next_in_days=1 + n % 5, pattern=patterns[n % 4])
    for n in range(50):
        client_with(alice, f"Large{n}", next_in_days=1 + n % 5, pattern=patterns[n % 4])
    small, large = overview_queries(carol), overview_queries(alice)
    assert small == large, (small, large)
    assert small <= 10  # signed-in user and session, then three for the rows


def test_it_refuses_a_client_the_brief_behind_their_own_row(bob: User, practice: dict[str, Engagement]) -> None:
    session = make_session(make_engagement(practice["steady"].coach, bob))
    assert signed_in(bob).get(reverse("brief", args=[session.pk])).status_code == 403
