"""Every page of the foundation in a real browser: no serious accessibility problems, and a screenshot to look at."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from conftest import make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement
from legwork.coaching.services import invitation_create, invitation_setup_url


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_page_is_accessible(open_browser: Any, alice_bob: Engagement, alice: User, bob: User) -> None:
    goal = alice_bob.goals.create(title="A job in UX research")
    held = make_session(alice_bob, at=timezone.now() - dt.timedelta(days=14), status="held", shared_notes="We met.")
    upcoming = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=3))
    homework = make_homework(alice_bob, "Talk to two UX researchers", goal=goal, agreed_in=held, status="confirmed")
    make_progress(homework, note="Messaged Sam", minutes=15)
    make_progress(homework, note="Earlier work", occurred_on=timezone.localdate() - dt.timedelta(days=4))
    proposed = make_homework(alice_bob, "Update my CV", agreed_in=held, first_step="Open the file")
    AgendaItem.objects.create(
        engagement=alice_bob, kind="to_explore", text="“CV” carried over 2 times", homework=proposed
    )
    invitation, token = invitation_create(coach=alice, email="nia@example.com", name="Nia", send_email=False)
    setup = invitation_setup_url(invitation, token).removeprefix(settings.SITE_ROOT)

    visitor = open_browser("visitor")
    for label, path in [
        ("welcome", "/"),
        ("sign-in", "/accounts/login/"),
        ("sign-up", "/accounts/signup/"),
        ("password-reset", "/accounts/password/reset/"),
        ("join-invalid", "/join/not-a-real-token/"),
        ("join", f"/join/{token}/"),
        ("join-set-up", setup),
    ]:
        visitor.page.goto(path)
        visitor.assert_accessible()
        visitor.screenshot(label)
    visitor.page.goto(f"/join/{token}/")
    visitor.page.get_by_role("button", name="Email me the link").click()
    visitor.page.wait_for_load_state()
    assert visitor.page.get_by_role("heading", name="Check your inbox").is_visible()
    visitor.assert_accessible()
    visitor.screenshot("join-sent")
    visitor.page.goto("/accounts/password/reset/")
    visitor.page.get_by_label("Email").fill("alice@example.com")
    visitor.page.get_by_role("button", name="Email me a link").click()
    visitor.page.wait_for_load_state()
    assert visitor.page.get_by_role("heading", name="Check your email").is_visible()
    visitor.assert_accessible()
    visitor.screenshot("password-reset-done")

    coach = open_browser("coach")
    coach.sign_in(alice.email)
    for label, path in [
        ("home", "/"),
        ("invitations", "/invitations/"),
        ("engagement", f"/engagements/{alice_bob.pk}/"),
        ("session-upcoming", f"/sessions/{upcoming.pk}/"),
        ("session-held", f"/sessions/{held.pk}/"),
        ("homework", f"/homework/{homework.pk}/"),
        ("homework-edit", f"/homework/{proposed.pk}/edit/"),
        ("goal-new", f"/engagements/{alice_bob.pk}/goals/new/"),
        ("session-new", f"/engagements/{alice_bob.pk}/sessions/new/"),
        ("profile", "/profile/"),
    ]:
        coach.page.goto(path)
        coach.assert_accessible()
        coach.screenshot(label)
    # A form sent back with errors is accessible too (the wrap-up opens once the session has started).
    started = make_session(alice_bob, at=timezone.now() - dt.timedelta(minutes=20))
    coach.page.goto(f"/sessions/{started.pk}/")
    coach.page.get_by_label("What they will do").first.fill("T" * 10)
    coach.page.get_by_label("Next session", exact=True).fill("2001-01-01T10:00")
    coach.page.get_by_role("button", name="Wrap up the session").click()
    coach.page.wait_for_load_state()
    assert coach.page.get_by_text("The next session needs to be in the future.").is_visible()
    coach.assert_accessible()
    coach.screenshot("session-wrap-up-errors")

    client = open_browser("client")
    client.sign_in(bob.email)
    client.page.goto(f"/join/{token}/")
    assert client.page.get_by_role("heading", name="This invitation is for another address").is_visible()
    client.assert_accessible()
    client.screenshot("join-other-address")
    for label, path in [
        ("home", "/"),
        ("homework", f"/homework/{homework.pk}/"),
        ("homework-proposed", f"/homework/{proposed.pk}/"),
        ("change-request", f"/homework/{proposed.pk}/change/"),
        ("engagement", f"/engagements/{alice_bob.pk}/"),
        ("session", f"/sessions/{held.pk}/"),
    ]:
        client.page.goto(path)
        client.assert_accessible()
        client.screenshot(label)
    client.page.set_viewport_size({"width": 390, "height": 844})
    client.page.goto("/")
    client.screenshot("home-phone")
