from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_homework, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.insights.models import Reflection

pytestmark = pytest.mark.django_db

ANSWERS = {
    "what_i_did": "Sent two emails to UX researchers.",
    "what_i_learned": "People answer when I ask a small question.",
    "what_got_in_the_way": "A week of late shifts.",
    "what_i_want_next": "Practise the interview questions.",
}


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def upcoming(alice_bob: Engagement) -> Session:
    return make_session(alice_bob, at=timezone.now() + dt.timedelta(days=2))


def test_it_lets_the_client_write_the_reflection_with_the_homework_beside_it(
    bob: User, alice_bob: Engagement, upcoming: Session
) -> None:
    make_homework(alice_bob, "Talk to two UX researchers")
    page = signed_in(bob).get(reverse("reflection_edit", args=[upcoming.pk]))
    assert page.status_code == 200
    assert b"Talk to two UX researchers" in page.content
    assert b'name="what_got_in_the_way"' in page.content

    response = signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS)
    assert response.status_code == 302
    reflection = Reflection.objects.get(session=upcoming)
    assert reflection.what_i_learned == ANSWERS["what_i_learned"]


def test_it_updates_the_same_reflection_when_saved_again(bob: User, upcoming: Session) -> None:
    signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS)
    signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), {**ANSWERS, "what_i_did": "Three emails."})
    assert Reflection.objects.filter(session=upcoming).count() == 1
    assert Reflection.objects.get(session=upcoming).what_i_did == "Three emails."


def test_it_makes_the_reflection_read_only_once_the_session_starts(bob: User, upcoming: Session) -> None:
    signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS)
    with time_machine.travel(upcoming.scheduled_at + dt.timedelta(minutes=1)):
        page = signed_in(bob).get(reverse("reflection_edit", args=[upcoming.pk]))
        assert b"read-only now" in page.content
        assert b'name="what_i_did"' not in page.content
        assert ANSWERS["what_i_did"].encode() in page.content
        response = signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), {"what_i_did": "Changed"})
        assert response.status_code == 302
    assert Reflection.objects.get(session=upcoming).what_i_did == ANSWERS["what_i_did"]


def test_it_keeps_the_reflection_editable_a_minute_before_the_session(bob: User, upcoming: Session) -> None:
    with time_machine.travel(upcoming.scheduled_at - dt.timedelta(minutes=1)):
        response = signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS)
    assert response.status_code == 302
    assert Reflection.objects.filter(session=upcoming).exists()


def test_it_rerenders_over_long_text_with_the_error_and_the_text_kept(bob: User, upcoming: Session) -> None:
    too_long = "x" * 3001
    response = signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), {**ANSWERS, "what_i_did": too_long})
    assert response.status_code == 400
    assert too_long.encode() in response.content
    assert b"at most 3000 characters" in response.content
    assert not Reflection.objects.exists()


def test_it_shows_the_coach_the_reflection_read_only(alice: User, bob: User, upcoming: Session) -> None:
    signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS)
    page = signed_in(alice).get(reverse("reflection_edit", args=[upcoming.pk]))
    assert page.status_code == 200
    assert ANSWERS["what_i_want_next"].encode() in page.content
    assert b'name="what_i_did"' not in page.content


def test_it_refuses_the_coach_writing_the_clients_reflection(alice: User, upcoming: Session) -> None:
    response = signed_in(alice).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS)
    assert response.status_code == 403
    assert not Reflection.objects.exists()


def test_it_hides_bobs_reflection_from_another_coach_and_another_client(
    bob: User, carol: User, dan: User, carol_dan: Engagement, upcoming: Session
) -> None:
    signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS)
    for stranger in (carol, dan):
        assert signed_in(stranger).get(reverse("reflection_edit", args=[upcoming.pk])).status_code == 404
        assert signed_in(stranger).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS).status_code == 404
    assert Reflection.objects.get().what_i_did == ANSWERS["what_i_did"]


def test_it_answers_404_to_a_malformed_or_missing_session(bob: User) -> None:
    assert signed_in(bob).get("/sessions/99999/reflection/").status_code == 404
    assert signed_in(bob).get("/sessions/abc/reflection/").status_code == 404


def test_it_keeps_the_brief_beside_the_reflection_from_the_client_and_other_coaches(
    bob: User, carol: User, upcoming: Session
) -> None:
    assert signed_in(bob).get(reverse("brief", args=[upcoming.pk])).status_code == 403
    assert signed_in(carol).get(reverse("brief", args=[upcoming.pk])).status_code == 404


def test_it_closes_the_reflection_for_a_cancelled_session(bob: User, upcoming: Session) -> None:
    upcoming.mark(Session.Status.CANCELLED)
    page = signed_in(bob).get(reverse("reflection_edit", args=[upcoming.pk]))
    assert b'name="what_i_did"' not in page.content
    signed_in(bob).post(reverse("reflection_edit", args=[upcoming.pk]), ANSWERS)
    assert not Reflection.objects.exists()
