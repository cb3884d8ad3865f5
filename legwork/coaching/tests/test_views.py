"""Coaching pages: coach home, engagement, goals, sessions, agenda, notes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_engagement, make_homework, make_progress, make_session, make_user
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Goal, Session


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Coach home -------------------------------------------------------------------------


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 6, 10, 11, 0, tzinfo=dt.UTC), tick=False)
def test_coach_home_shows_todays_sessions_first_and_every_client(alice: User, bob: User) -> None:
    engagement = make_engagement(alice, bob)
    # 22:30 UTC is 23:30 in London (summer time): still today for alice.
    make_session(engagement, at=dt.datetime(2026, 6, 10, 22, 30, tzinfo=dt.UTC))
    make_session(engagement, at=dt.datetime(2026, 6, 10, 23, 30, tzinfo=dt.UTC))
    homework = make_homework(engagement, status="confirmed")
    make_progress(homework, note="Made a start")
    AgendaItem.objects.create(engagement=engagement, kind=AgendaItem.Kind.TO_EXPLORE, text="x", homework=homework)
    paused = make_engagement(alice, make_user("pat@example.com", name="Pat Paused"), status="paused")
    make_engagement(alice, make_user("old@example.com", name="Olive Ended"), status="ended")

    response = signed_in(alice).get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [e.pk for e in response.context["clients"]] == [engagement.pk, paused.pk]
    assert len(response.context["todays_sessions"]) == 1
    assert "23:30" in html
    assert "Olive Ended" not in html
    assert html.index("Today") < html.index("Clients")
    assert "To explore" in html
    row = response.context["clients"][0]
    assert row.open_homework == 1
    assert row.awaiting_client == 0
    assert row.last_activity is not None


@pytest.mark.django_db
def test_coach_home_counts_open_homework_and_shows_the_latest_work_on_any_homework(
    alice_bob: Engagement, carol_dan: Engagement, alice: User
) -> None:
    now = timezone.now()
    reviewed = make_homework(alice_bob, status="confirmed", outcome="done")
    latest = make_progress(reviewed, written_at=now - dt.timedelta(hours=2))
    make_progress(make_homework(alice_bob, status="confirmed"), written_at=now - dt.timedelta(days=3))
    make_homework(alice_bob, status="proposed")
    make_homework(alice_bob, status="change_requested")
    make_progress(make_homework(carol_dan, status="confirmed"), written_at=now)  # another coach's client

    [row] = signed_in(alice).get(reverse("home")).context["clients"]
    assert (row.open_homework, row.awaiting_client, row.change_asked) == (3, 1, 1)
    assert row.last_activity == latest.written_at
    assert latest.engagement_id == alice_bob.pk


@pytest.mark.django_db
def test_coach_home_query_count_does_not_grow_with_clients(alice: User) -> None:
    def add_clients(count: int, start: int) -> None:
        for index in range(start, start + count):
            engagement = make_engagement(alice, make_user(f"client{index}@example.com"))
            make_session(engagement, at=timezone.now() + dt.timedelta(hours=1))
            make_session(engagement, at=timezone.now() + dt.timedelta(days=7))
            for _ in range(3):
                make_progress(make_homework(engagement, status="confirmed"))
            AgendaItem.objects.create(engagement=engagement, kind="to_explore", text="x")

    client = signed_in(alice)
    client.get(reverse("home"))  # warm the session and caches
    add_clients(2, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    add_clients(18, 2)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
    assert len(response.context["clients"]) == 20
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.django_db
def test_a_client_cannot_open_the_coach_home(bob: User, alice_bob: Engagement) -> None:
    assert signed_in(bob).get(reverse("coach_home")).status_code == 403
    assert signed_in(bob).get(reverse("home")).context["engagements"][0] == alice_bob


@pytest.mark.django_db
def test_signed_out_people_see_the_welcome_page_or_sign_in(client: Client, alice_bob: Engagement) -> None:
    assert "Sign in" in client.get(reverse("home")).content.decode()
    response = client.get(reverse("engagement", args=[alice_bob.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Engagements and goals --------------------------------------------------------------


@pytest.mark.django_db
def test_coach_and_client_both_see_the_engagement(alice_bob: Engagement, alice: User, bob: User) -> None:
    make_homework(alice_bob, "Read about UX")
    for person in (alice, bob):
        response = signed_in(person).get(reverse("engagement", args=[alice_bob.pk]))
        assert response.status_code == 200
        assert "Read about UX" in response.content.decode()
    assert "Schedule a session" in signed_in(alice).get(reverse("engagement", args=[alice_bob.pk])).content.decode()
    assert "Schedule a session" not in signed_in(bob).get(reverse("engagement", args=[alice_bob.pk])).content.decode()


@pytest.mark.django_db
def test_the_other_coach_and_client_get_404_everywhere(alice_bob: Engagement, carol: User, dan: User) -> None:
    session = make_session(alice_bob)
    item = AgendaItem.objects.create(engagement=alice_bob, text="Salary talk")
    for person in (carol, dan):
        client = signed_in(person)
        assert client.get(reverse("engagement", args=[alice_bob.pk])).status_code == 404
        assert client.get(reverse("session", args=[session.pk])).status_code == 404
        for name, args, data in [
            ("engagement_status", [alice_bob.pk], {"status": "ended"}),
            ("goal_create", [alice_bob.pk], {"title": "Take over"}),
            ("session_create", [alice_bob.pk], {"scheduled_at": "2030-01-01T10:00", "duration_minutes": 60}),
            ("session_notes", [session.pk], {"agenda": "x", "shared_notes": "x"}),
            ("session_private_notes", [session.pk], {"private_notes": "x"}),
            ("session_status", [session.pk], {"status": "cancelled"}),
            ("agenda_item_add", [session.pk], {"text": "x"}),
            ("agenda_item_resolve", [session.pk, item.pk], {}),
        ]:
            assert client.post(reverse(name, args=args), data).status_code == 404, name
    alice_bob.refresh_from_db()
    session.refresh_from_db()
    item.refresh_from_db()
    assert alice_bob.status == "active"
    assert session.status == "scheduled"
    assert session.private_notes == ""
    assert item.resolved_at is None
    assert not Goal.objects.exists()
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_the_client_cannot_do_the_coachs_actions(alice_bob: Engagement, bob: User) -> None:
    session = make_session(alice_bob)
    item = AgendaItem.objects.create(engagement=alice_bob, text="Salary talk")
    client = signed_in(bob)
    for name, args, data in [
        ("engagement_status", [alice_bob.pk], {"status": "ended"}),
        ("session_create", [alice_bob.pk], {"scheduled_at": "2030-01-01T10:00", "duration_minutes": 60}),
        ("session_notes", [session.pk], {"agenda": "x", "shared_notes": "x"}),
        ("session_private_notes", [session.pk], {"private_notes": "x"}),
        ("session_status", [session.pk], {"status": "cancelled"}),
        ("agenda_item_resolve", [session.pk, item.pk], {}),
    ]:
        assert client.post(reverse(name, args=args), data).status_code == 403, name
    session.refresh_from_db()
    assert session.status == "scheduled"
    assert session.shared_notes == ""


@pytest.mark.django_db
def test_the_coach_changes_the_engagement_status(alice_bob: Engagement, alice: User) -> None:
    client = signed_in(alice)
    client.post(reverse("engagement_status", args=[alice_bob.pk]), {"status": "paused"})
    alice_bob.refresh_from_db()
    assert alice_bob.status == "paused"
    client.post(reverse("engagement_status", args=[alice_bob.pk]), {"status": "nonsense"})
    alice_bob.refresh_from_db()
    assert alice_bob.status == "paused"
    client.post(reverse("engagement_status", args=[alice_bob.pk]), {"status": "ended"})
    alice_bob.refresh_from_db()
    assert alice_bob.ended_on == timezone.localdate()


@pytest.mark.django_db
def test_either_person_adds_a_goal_and_bad_input_is_kept(alice_bob: Engagement, bob: User) -> None:
    client = signed_in(bob)
    assert client.post(reverse("goal_create", args=[alice_bob.pk]), {"title": "A design job"}).status_code == 302
    assert Goal.objects.get().title == "A design job"
    response = client.post(reverse("goal_create", args=[alice_bob.pk]), {"title": "", "description": "Kept text"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert "Kept text" in html
    response = client.post(reverse("goal_create", args=[alice_bob.pk]), {"title": "G" * 201})
    assert "at most 200 characters" in response.content.decode()
    assert Goal.objects.count() == 1


# --- Sessions -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_coach_schedules_a_session_in_their_own_zone(alice_bob: Engagement, alice: User) -> None:
    alice.timezone = "America/New_York"
    alice.save()
    response = signed_in(alice).post(
        reverse("session_create", args=[alice_bob.pk]), {"scheduled_at": "2030-07-01T09:30", "duration_minutes": 45}
    )
    session = Session.objects.get()
    assert response["Location"] == reverse("session", args=[session.pk])
    assert session.scheduled_at == dt.datetime(2030, 7, 1, 13, 30, tzinfo=dt.UTC)
    assert session.duration_minutes == 45


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"scheduled_at": "tomorrow-ish", "duration_minutes": 60}, "Enter a valid date/time."),
        ({"scheduled_at": "2030-02-31T10:00", "duration_minutes": 60}, "Enter a valid date/time."),
        ({"scheduled_at": "2030-01-01T10:00", "duration_minutes": "an hour"}, "Enter a whole number."),
        ({"scheduled_at": "2030-01-01T10:00", "duration_minutes": 2}, "between 5 and 480 minutes"),
        ({"scheduled_at": "2030-01-01T10:00", "duration_minutes": 99999999}, "between 5 and 480 minutes"),
        ({"scheduled_at": "2030-01-01T10:00", "duration_minutes": 60, "meeting_url": "javascript:alert(1)"}, "URL"),
        ({"scheduled_at": "", "duration_minutes": 60}, "This field is required."),
    ],
)
def test_scheduling_bad_input_is_kept_with_the_error_beside_the_field(
    alice_bob: Engagement, alice: User, data: dict[str, object], error: str
) -> None:
    response = signed_in(alice).post(reverse("session_create", args=[alice_bob.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert '_error"><p class="error">' in html
    if data["scheduled_at"]:
        assert f'value="{data["scheduled_at"]}"' in html
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_the_session_page_shows_private_notes_to_the_coach_alone(alice_bob: Engagement, alice: User, bob: User) -> None:
    session = make_session(alice_bob, shared_notes="Shared words", private_notes="Only for me")
    coach_html = signed_in(alice).get(reverse("session", args=[session.pk])).content.decode()
    client_html = signed_in(bob).get(reverse("session", args=[session.pk])).content.decode()
    assert "Only for me" in coach_html
    assert "Shared words" in coach_html
    assert "Only for me" not in client_html
    assert "Private notes" not in client_html
    assert "Shared words" in client_html
    assert "Wrap-up" not in client_html


@pytest.mark.django_db
def test_the_coach_saves_notes_and_over_long_notes_are_kept(alice_bob: Engagement, alice: User) -> None:
    session = make_session(alice_bob)
    client = signed_in(alice)
    client.post(reverse("session_notes", args=[session.pk]), {"agenda": "CV", "shared_notes": "We talked"})
    client.post(reverse("session_private_notes", args=[session.pk]), {"private_notes": "Tired today"})
    session.refresh_from_db()
    # The page has one agenda, its points: its notes form writes the shared notes only.
    assert (session.agenda, session.shared_notes, session.private_notes) == ("", "We talked", "Tired today")
    long_text = "word " * 5000
    response = client.post(
        reverse("session_private_notes", args=[session.pk]), {"private_notes": long_text}, follow=True
    )
    assert response.redirect_chain == [(reverse("session", args=[session.pk]) + "#private-h", 302)]
    assert "at most 20000 characters" in response.content.decode()
    assert long_text.strip() in response.content.decode()
    session.refresh_from_db()
    assert session.private_notes == "Tired today"


@pytest.mark.django_db
def test_the_coach_marks_a_session_and_bad_status_values_change_nothing(alice_bob: Engagement, alice: User) -> None:
    session = make_session(alice_bob)
    client = signed_in(alice)
    for bad in ["", "deleted", "HELD", "x" * 500]:
        assert client.post(reverse("session_status", args=[session.pk]), {"status": bad}).status_code == 302
    session.refresh_from_db()
    assert session.status == "scheduled"
    client.post(reverse("session_status", args=[session.pk]), {"status": "missed"})
    session.refresh_from_db()
    assert session.status == "missed"


@pytest.mark.django_db
def test_agenda_points_are_added_by_either_and_resolved_by_the_coach(
    alice_bob: Engagement, alice: User, bob: User
) -> None:
    session = make_session(alice_bob)
    assert signed_in(bob).post(reverse("agenda_item_add", args=[session.pk]), {"text": "Salary"}).status_code == 302
    item = AgendaItem.objects.get()
    assert item.kind == AgendaItem.Kind.TOPIC
    response = signed_in(bob).post(reverse("agenda_item_add", args=[session.pk]), {"text": "T" * 301}, follow=True)
    assert response.redirect_chain == [(reverse("session", args=[session.pk]) + "#agenda-h", 302)]
    assert "at most 300 characters" in response.content.decode()
    assert "T" * 301 in response.content.decode()
    signed_in(alice).post(reverse("agenda_item_resolve", args=[session.pk, item.pk]))
    item.refresh_from_db()
    assert item.resolved_at is not None


@pytest.mark.django_db
def test_ids_that_are_not_numbers_or_not_there_are_404(alice: User) -> None:
    client = signed_in(alice)
    for path in ["/engagements/99999/", "/sessions/99999/", "/sessions/1x/", "/engagements/-1/"]:
        assert client.get(path).status_code == 404, path


@pytest.mark.django_db
def test_the_profile_changes_the_time_zone_and_keeps_bad_input(bob: User) -> None:
    client = signed_in(bob)
    response = client.post(reverse("profile"), {"name": "Bob B", "timezone": "Asia/Tokyo"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.timezone == "Asia/Tokyo"
    response = client.post(reverse("profile"), {"name": "N" * 101, "timezone": "Nowhere/Land"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert "N" * 101 in html


@pytest.mark.django_db
def test_a_coach_who_is_also_a_client_reaches_their_own_interval(alice: User, carol: User) -> None:
    assert "Your own coaching" not in signed_in(alice).get(reverse("home")).content.decode()
    make_engagement(carol, alice)
    html = signed_in(alice).get(reverse("home")).content.decode()
    assert reverse("client_home") in html
    assert signed_in(alice).get(reverse("client_home")).context["engagements"][0].coach == carol


@pytest.mark.django_db
def test_coach_home_says_what_waits_on_the_client_and_what_they_asked_to_change(
    alice_bob: Engagement, alice: User
) -> None:
    make_homework(alice_bob)
    make_homework(alice_bob, status="change_requested", change_note="Smaller")
    make_homework(alice_bob, status="confirmed")
    make_homework(alice_bob, outcome="done")
    response = signed_in(alice).get(reverse("home"))
    row = response.context["clients"][0]
    assert (row.open_homework, row.awaiting_client, row.change_asked) == (3, 1, 1)
    assert "1 change asked" in response.content.decode()
