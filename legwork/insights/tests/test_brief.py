from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.exercises.models import Exercise, HomeworkExercise
from legwork.homework.models import ProgressEntry
from legwork.insights.models import Reflection
from legwork.insights.tests.factories import busy_interval
from legwork.notebook.models import JournalEntry

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def next_session(alice_bob: Engagement) -> Session:
    make_session(alice_bob, at=timezone.now() - dt.timedelta(days=10), status=Session.Status.HELD)
    return make_session(alice_bob, at=timezone.now() + dt.timedelta(days=4))


def test_it_shows_the_coach_the_brief_with_everything_from_the_interval(
    alice: User, alice_bob: Engagement, next_session: Session
) -> None:
    busy_interval(alice_bob, next_session, entries=12)
    JournalEntry.objects.create(client=alice_bob.client, title="Private: my doubts", body="Nobody else reads this.")
    page = signed_in(alice).get(reverse("brief", args=[next_session.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Homework number 0 with a title long enough to wrap" in text
    assert "Mornings work for me." in text  # the reflection
    assert "The CV keeps being carried over" in text  # to explore
    assert "Shared: what energises me" in text
    assert "<strong>who build things</strong>" in text
    assert "Hoped-for self" in text
    assert "A self I hope for 0" in text
    assert 'role="img"' in text
    assert "<desc>" in text
    assert "Private: my doubts" not in text
    assert "Nobody else reads this." not in text


def test_it_never_shows_an_entry_the_client_unshared(alice: User, alice_bob: Engagement, next_session: Session) -> None:
    entry = JournalEntry.objects.create(
        client=alice_bob.client, title="Shared then taken back", shared_with=alice_bob, shared_at=timezone.now()
    )
    url = reverse("brief", args=[next_session.pk])
    assert "Shared then taken back" in signed_in(alice).get(url).content.decode()
    entry.unshare()
    assert "Shared then taken back" not in signed_in(alice).get(url).content.decode()


def test_it_refuses_the_brief_to_the_client(bob: User, next_session: Session) -> None:
    assert signed_in(bob).get(reverse("brief", args=[next_session.pk])).status_code == 403


def test_it_hides_alices_brief_from_another_coach_and_another_client(
    carol: User, dan: User, carol_dan: Engagement, next_session: Session
) -> None:
    assert signed_in(carol).get(reverse("brief", args=[next_session.pk])).status_code == 404
    assert signed_in(dan).get(reverse("brief", args=[next_session.pk])).status_code == 404


def test_it_answers_404_to_a_malformed_or_missing_session(alice: User) -> None:
    assert signed_in(alice).get("/sessions/0/brief/").status_code == 404
    assert signed_in(alice).get("/sessions/99999999999999999999/brief/").status_code == 404


def test_it_says_when_nothing_has_been_written_yet(alice: User, next_session: Session) -> None:
    text = signed_in(alice).get(reverse("brief", args=[next_session.pk])).content.decode()
    assert "Not written yet." in text
    assert "No homework was agreed for this interval." in text


def brief_queries(coach: User, session: Session) -> int:
    client = signed_in(coach)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("brief", args=[session.pk])).status_code == 200
    return len(captured)


def test_it_builds_the_brief_in_the_same_number_of_queries_for_3_or_200_entries(
    alice: User, bob: User, carol: User, dan: User, alice_bob: Engagement, carol_dan: Engagement
) -> None:
    make_session(carol_dan, at=timezone.now() - dt.timedelta(days=10), status=Session.Status.HELD)
    small = make_session(carol_dan, at=timezone.now() + dt.timedelta(days=4))
    busy_interval(carol_dan, small, entries=3, homework=2)
    make_session(alice_bob, at=timezone.now() - dt.timedelta(days=10), status=Session.Status.HELD)
    large = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=4))
    HomeworkExercise.objects.all().delete()
    Exercise.objects.all().delete()
    busy_interval(alice_bob, large, entries=200, homework=8)
    assert ProgressEntry.objects.filter(homework__engagement=alice_bob).count() == 200
    small_count, large_count = brief_queries(carol, small), brief_queries(alice, large)
    assert small_count == large_count, (small_count, large_count)
    # session (with its reflection), interval, homework, entries, thinking time, journal, answers; and the
    # quality panel (legwork/quality/panels.py): ratings by review, check-ins (no answers asked for without
    # a scale), selves with steps; the recent pattern reads the latest sessions, and all of them for an
    # engagement with few lately (both here)
    assert small_count <= 16


def test_it_links_todays_sessions_to_their_brief_on_the_coach_home(alice: User, alice_bob: Engagement) -> None:
    session = make_session(alice_bob, at=timezone.now() + dt.timedelta(minutes=5))
    if timezone.localtime(session.scheduled_at).date() != timezone.localdate():
        session.scheduled_at = timezone.now()
        session.save(update_fields=["scheduled_at"])
    text = signed_in(alice).get(reverse("coach_home")).content.decode()
    assert reverse("brief", args=[session.pk]) in text


def test_it_links_the_session_page_to_the_brief_for_the_coach_only(
    alice: User, bob: User, next_session: Session
) -> None:
    brief_url = reverse("brief", args=[next_session.pk])
    assert brief_url in signed_in(alice).get(reverse("session", args=[next_session.pk])).content.decode()
    client_page = signed_in(bob).get(reverse("session", args=[next_session.pk])).content.decode()
    assert brief_url not in client_page
    assert reverse("reflection_edit", args=[next_session.pk]) in client_page


def test_it_shows_progress_logged_after_the_session_started_only_in_the_next_brief(
    alice: User, alice_bob: Engagement, next_session: Session
) -> None:
    homework = make_homework(alice_bob, "Call Dana", created_at=timezone.now() - dt.timedelta(days=9))
    make_progress(homework, note="Before the session", written_at=timezone.now() - dt.timedelta(days=1))
    make_progress(homework, note="After the session", written_at=next_session.scheduled_at + dt.timedelta(hours=1))
    text = signed_in(alice).get(reverse("brief", args=[next_session.pk])).content.decode()
    assert "Before the session" in text
    assert "After the session" not in text


def test_it_escapes_what_people_wrote_everywhere_on_the_brief_including_the_chart(
    alice: User, alice_bob: Engagement, next_session: Session
) -> None:
    title = '<script>alert("t")</script>'
    homework = make_homework(alice_bob, title, created_at=timezone.now() - dt.timedelta(days=9))
    make_progress(homework, note='<img src=x onerror=alert("n")>', written_at=timezone.now() - dt.timedelta(days=1))
    Reflection.objects.create(session=next_session, what_i_did='<b onclick="alert(1)">bold</b>')
    text = signed_in(alice).get(reverse("brief", args=[next_session.pk])).content.decode()
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert '<b onclick="alert(1)">' not in text
    assert "&lt;script&gt;" in text
