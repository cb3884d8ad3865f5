"""The new coach's first steps: listed on the coach home, ticked off as each is done, gone once all are;
every step answered by one query, so the page's query count does not change with them."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_engagement, make_homework, make_session, make_user
from legwork.accounts.models import User
from legwork.coaching import services
from legwork.exercises.models import Exercise, HomeworkExercise
from legwork.lib.first_steps import first_steps
from legwork.reminders.models import preferences_for

pytestmark = pytest.mark.django_db
STEPS = [
    "Invite your first client",
    "Schedule a session (from a client's page)",
    "Pick an exercise from the library to give as homework",
    "Choose when reminders reach you",
]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def checklist(coach: User) -> str | None:
    page = unescape(signed_in(coach).get(reverse("coach_home")).content.decode())
    found = re.search(r'<section class="card first-steps".*?</section>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip() if found else None


def test_a_new_coach_sees_every_step_as_a_link(alice: User) -> None:
    page = signed_in(alice).get(reverse("coach_home")).content.decode()
    for text, url in [
        (STEPS[0], reverse("invitations")),
        (STEPS[2], reverse("exercises")),
        (STEPS[3], reverse("reminders_preferences")),
    ]:
        assert f'<a href="{url}">{unescape(text)}</a>' in unescape(page)
    shown = checklist(alice)
    assert shown is not None
    assert shown.startswith("First steps 0 of 4 done.")


def test_scheduling_points_to_the_invitation_until_there_is_a_client(alice: User) -> None:
    waiting = "Schedule a session, once your first client has joined (invite them first)"
    page = unescape(signed_in(alice).get(reverse("coach_home")).content.decode())
    assert f'<a href="{reverse("invitations")}">{waiting}</a>' in page
    assert STEPS[1] not in page
    services.invitation_create(coach=alice, email="nia@example.com")
    assert waiting in (checklist(alice) or "")  # invited, not joined: still no client to schedule with
    make_engagement(alice, make_user("bob@example.com"))
    page = unescape(signed_in(alice).get(reverse("coach_home")).content.decode())
    assert f'<a href="{reverse("coach_home")}#clients-h">{STEPS[1]}</a>' in page
    assert waiting not in page


def test_steps_tick_off_as_they_are_done_and_the_list_goes_away(alice: User) -> None:
    services.invitation_create(coach=alice, email="nia@example.com")
    assert "1 of 4 done" in (checklist(alice) or "")
    assert f"Done: {STEPS[0]}" in (checklist(alice) or "")
    engagement = make_engagement(alice, make_user("bob@example.com"))
    make_session(engagement)
    preferences_for(alice)
    assert [step.done for step in first_steps(alice)] == [True, True, False, True]
    exercise = Exercise.objects.filter(owner__isnull=True).first() or Exercise.objects.create(slug="mine-x", title="X")
    HomeworkExercise.objects.create(homework=make_homework(engagement), exercise=exercise)
    assert all(step.done for step in first_steps(alice))
    assert checklist(alice) is None


def test_a_coachs_own_exercise_counts_as_picking_one(alice: User, carol: User) -> None:
    Exercise.objects.create(slug="mine", title="Mine", owner=alice)
    assert [step.key for step in first_steps(alice) if step.done] == ["exercise"]
    assert not any(step.done for step in first_steps(carol))


def test_all_steps_are_one_query(alice: User, django_assert_num_queries: Any) -> None:
    first_steps(alice)  # the apps' steps are found once per process, as panels are
    with django_assert_num_queries(1):
        first_steps(alice)


def test_the_coach_home_asks_for_the_list_in_one_query_and_not_at_all_once_it_is_done(alice: User) -> None:
    client = signed_in(alice)
    client.get(reverse("coach_home"))
    with CaptureQueriesContext(connection) as new:
        client.get(reverse("coach_home"))
    assert checklist(alice) is not None
    for n in range(6):
        engagement = make_engagement(alice, make_user(f"client{n}@example.com"))
        make_session(engagement)
        make_homework(engagement)
    preferences_for(alice)
    Exercise.objects.create(slug="mine", title="Mine", owner=alice)
    with CaptureQueriesContext(connection) as finishing:
        client.get(reverse("coach_home"))  # finds every step done and remembers it: one UPDATE
    with CaptureQueriesContext(connection) as established:
        client.get(reverse("coach_home"))
    assert len(finishing) == len(new) + 1  # six clients, the same queries, and the one write
    assert len(established) == len(finishing) - 2  # neither the steps' query nor the write
    assert checklist(alice) is None


def test_the_list_once_gone_stays_gone_though_a_step_is_undone(alice: User) -> None:
    engagement = make_engagement(alice, make_user("bob@example.com"))
    services.invitation_create(coach=alice, email="nia@example.com")
    make_session(engagement)
    preferences_for(alice)
    Exercise.objects.create(slug="mine", title="Mine", owner=alice)
    assert checklist(alice) is None
    alice.refresh_from_db()
    assert alice.first_steps_done_at is not None
    Exercise.objects.filter(owner=alice).delete()
    assert not all(step.done for step in first_steps(alice))
    assert checklist(alice) is None


def test_a_coach_may_put_the_list_away_before_every_step_is_done(alice: User, bob: User) -> None:
    coach = signed_in(alice)
    assert checklist(alice) is not None
    assert coach.get(reverse("first_steps_put_away")).status_code == 405
    response = coach.post(reverse("first_steps_put_away"))
    assert response.status_code == 302
    assert response["Location"] == reverse("coach_home")
    assert checklist(alice) is None
    assert not any(step.done for step in first_steps(alice))


def test_only_a_coach_puts_their_own_list_away(alice: User, bob: User) -> None:
    assert signed_in(bob).post(reverse("first_steps_put_away")).status_code == 403
    bob.refresh_from_db()
    assert bob.first_steps_done_at is None
    assert checklist(alice) is not None
