"""Handover: an admin proposes, the client decides; yes moves the engagement without what was shared."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_engagement, make_homework, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework
from legwork.lib.rules import RuleBroken
from legwork.notebook.models import JournalEntry
from legwork.practice.models import Handover
from legwork.practice.services import handover_answer, handover_propose
from legwork.reminders.composing import reminder_compose
from legwork.reminders.models import Kind, Reminder
from legwork.reminders.outbox import render_outbox


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def engagement(alice: User, bob: User) -> Engagement:
    engagement = make_engagement(alice, bob)
    held = make_session(
        engagement, at=timezone.now() - dt.timedelta(days=7), status="held", private_notes="alice's own"
    )
    make_homework(engagement, title="Call Dana", agreed_in=held, status=Homework.Status.CONFIRMED)
    make_session(engagement, at=timezone.now() + dt.timedelta(days=7))
    JournalEntry.objects.create(client=bob, title="For Alice", body="canary-shared-with-alice").share(engagement)
    return engagement


def test_the_client_is_asked_in_the_inbox_and_nothing_moves_yet(
    engagement: Engagement, olive: User, frank: User, bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(olive).post(
            f"/practice/handover/{engagement.pk}/", {"to_coach": frank.pk, "note": "Alice leaves"}
        )
    assert response.status_code == 302
    handover = Handover.objects.get()
    reminder = Reminder.objects.get(recipient=bob, kind=Kind.HANDOVER)
    assert reminder.link == f"/handovers/{handover.pk}/"
    engagement.refresh_from_db()
    assert engagement.coach_id != frank.pk
    page = signed_in(bob).get(reminder.link).content.decode()
    assert "Frank Coach" in page
    assert "Alice leaves" in page


def test_yes_moves_homework_and_sessions_but_not_what_was_shared_nor_the_private_notes(
    engagement: Engagement, alice: User, olive: User, frank: User, bob: User
) -> None:
    handover = handover_propose(engagement=engagement, to_coach=frank, by=olive)
    response = signed_in(bob).post(f"/handovers/{handover.pk}/", {"answer": "yes"})
    assert response.status_code == 302
    engagement.refresh_from_db()
    assert engagement.coach_id == frank.pk
    assert Homework.objects.get(engagement=engagement).title == "Call Dana"
    assert Session.objects.filter(engagement=engagement).count() == 2
    assert not JournalEntry.objects.shared_with_engagement(engagement).exists()
    assert not Session.objects.filter(engagement=engagement).exclude(private_notes="").exists()
    new_coach = signed_in(frank)
    assert new_coach.get(f"/engagements/{engagement.pk}/").status_code == 200
    for url in (f"/engagements/{engagement.pk}/", f"/engagements/{engagement.pk}/notebook/"):
        assert "canary-shared-with-alice" not in new_coach.get(url).content.decode()
    assert signed_in(alice).get(f"/engagements/{engagement.pk}/").status_code == 404
    # Sharing again is the client's choice, and it reaches the new coach.
    JournalEntry.objects.get(client=bob).share(engagement)
    assert "canary-shared-with-alice" in new_coach.get(f"/engagements/{engagement.pk}/notebook/").content.decode()


def test_no_changes_nothing(engagement: Engagement, alice: User, olive: User, frank: User, bob: User) -> None:
    handover = handover_propose(engagement=engagement, to_coach=frank, by=olive)
    signed_in(bob).post(f"/handovers/{handover.pk}/", {"answer": "no"})
    engagement.refresh_from_db()
    handover.refresh_from_db()
    assert (engagement.coach_id, handover.status) == (alice.pk, Handover.Status.DECLINED)
    assert JournalEntry.objects.shared_with_engagement(engagement).exists()
    with pytest.raises(RuleBroken):
        handover_answer(handover=handover, accept=True, by=bob)


def test_only_the_client_answers(engagement: Engagement, olive: User, frank: User, alice: User) -> None:
    handover = handover_propose(engagement=engagement, to_coach=frank, by=olive)
    for who in (alice, frank, olive):
        assert signed_in(who).post(f"/handovers/{handover.pk}/", {"answer": "yes"}).status_code == 404
    handover.refresh_from_db()
    assert handover.status == Handover.Status.PENDING


def test_a_handover_goes_only_to_an_active_coach_of_the_same_practice(
    engagement: Engagement, olive: User, carol: User
) -> None:
    response = signed_in(olive).post(f"/practice/handover/{engagement.pk}/", {"to_coach": carol.pk})
    assert response.status_code == 400
    with pytest.raises(RuleBroken):
        handover_propose(engagement=engagement, to_coach=carol, by=olive)
    assert not Handover.objects.exists()


def test_one_handover_waits_at_a_time(engagement: Engagement, olive: User, frank: User) -> None:
    handover_propose(engagement=engagement, to_coach=frank, by=olive)
    response = signed_in(olive).post(f"/practice/handover/{engagement.pk}/", {"to_coach": frank.pk})
    assert response.status_code == 400
    assert "already waiting" in response.content.decode()
    assert Handover.objects.count() == 1


def test_the_handover_email_carries_names_and_a_link_only(
    engagement: Engagement, olive: User, frank: User, bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        handover = handover_propose(engagement=engagement, to_coach=frank, by=olive, note="canary-note-in-app-only")
    reminder = Reminder.objects.get(recipient=bob, kind=Kind.HANDOVER)
    assert reminder_compose(reminder, timezone.now())
    message = render_outbox(reminder)
    assert f"/handovers/{handover.pk}/" in message.text
    assert "canary" not in message.text + message.html
    handover_answer(handover=handover, accept=False, by=bob)
    assert not reminder_compose(reminder, timezone.now())  # answered: nothing to say any more
