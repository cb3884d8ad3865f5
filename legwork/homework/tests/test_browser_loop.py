"""The whole loop in a real browser, played by both people, with a screenshot of each step.

Coach signs up (verifying her email) and invites; the client joins by the link in a
second browser; the coach wraps up a session with two homework; the client confirms
and logs progress; at the next session one is done and one not done (procrastination)
and carried over; after the same again, "to explore" is on the agenda.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Session
from legwork.homework.models import Homework, ProgressEntry

LONDON = zoneinfo.ZoneInfo("Europe/London")
PASSWORD = "a long and unusual passphrase"


def local_input(moment: dt.datetime) -> str:
    """The value a datetime-local field takes, in the coach's zone."""
    return moment.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


def link_in(body: str, path: str) -> str:
    match = re.search(rf"https?://[^\s\"<>]+{path}[^\s\"<>]*", body)
    assert match is not None, body
    return match.group(0)


def review(page: Any, title: str, outcome: str, reason: str = "", decision: str = "") -> None:
    form = page.locator("form.review", has=page.get_by_role("link", name=title))
    form.get_by_label(outcome, exact=True).check()
    if reason:
        form.get_by_label("Reason").select_option(label=reason)
    if decision:
        form.get_by_label("Decision").select_option(label=decision)
    # htmx answers a recorded outcome with a whole-page redirect (HX-Redirect): wait for it.
    with page.expect_navigation():
        form.get_by_role("button", name="Record the outcome").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_coach_and_client_walk_the_whole_loop(open_browser: Any, live_server: Any, settings: Any) -> None:
    # The story spans a month of sessions; keep both people signed in across it.
    settings.SESSION_COOKIE_AGE = 60 * 60 * 24 * 60
    settings.SITE_ROOT = live_server.url
    start = timezone.now()

    # 1. The coach signs up, with her time zone, and verifies her email.
    coach = open_browser("coach")
    page = coach.page
    page.goto("/accounts/signup/")
    coach.assert_accessible()
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Your name").fill("Ada Coach")
    page.get_by_label("Your time zone").select_option("Europe/London")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    coach.screenshot("01-sign-up")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    assert "Confirm your email address" in page.content()
    coach.screenshot("02-verification-sent")
    [verification] = mail.outbox
    page.goto(link_in(str(verification.body), "/accounts/confirm-email/"))
    coach.assert_accessible()
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    ada = User.objects.get(email="ada@example.com")
    assert (ada.is_coach, ada.timezone, ada.name) == (True, "Europe/London", "Ada Coach")
    assert page.get_by_role("heading", name="Your practice").is_visible()
    coach.assert_accessible()
    coach.screenshot("03-coach-home-empty")

    # 2. She invites a client: the link is emailed and shown to copy.
    page.get_by_role("link", name="Invite").first.click()
    page.get_by_label("Client's name").fill("Nia Client")
    page.get_by_label("Client's email").fill("nia@example.com")
    page.get_by_role("button", name="Create the invitation").click()
    page.wait_for_load_state()
    link = page.locator("#invitation-link").input_value()
    assert link in mail.outbox[-1].body
    coach.assert_accessible()
    coach.screenshot("04-invitation")

    # 3. The client joins by the link in her email (the one only her inbox gets), in her own browser.
    emailed = re.search(r"https?://\S+/join/\S+/set-up/\S+/", str(mail.outbox[-1].body))
    assert emailed is not None
    client = open_browser("client")
    tab = client.page
    tab.goto(emailed.group(0))
    assert tab.get_by_label("Your name").input_value() == "Nia Client"
    tab.get_by_label("Your time zone").select_option("Europe/Paris")
    tab.get_by_label("Choose a password").fill(PASSWORD)
    tab.get_by_label("The password again").fill(PASSWORD)
    client.assert_accessible()
    client.screenshot("05-join")
    tab.get_by_role("button", name="Join").click()
    tab.wait_for_load_state()
    assert "You're working with Ada Coach" in tab.content()
    client.screenshot("06-client-home-empty")

    # 4. The coach schedules today's session, holds it and wraps up with two homework.
    page.goto("/")
    page.get_by_role("link", name="Nia Client").click()
    page.get_by_label("When").fill(local_input(start - dt.timedelta(minutes=50)))
    page.get_by_role("button", name="Schedule").click()
    page.wait_for_load_state()
    first_session = Session.objects.get()
    page.get_by_label("What they will do").nth(0).fill("Talk to two UX researchers")
    page.locator("#id_homework-0-purpose_0").check()  # explore
    page.get_by_label("What they will do").nth(1).fill("Send the application to Acme")
    page.locator("#id_homework-1-purpose_1").check()  # act: no row comes with a purpose chosen
    page.get_by_role("button", name="Add another row").click()
    page.wait_for_selector("#id_homework-2-title")
    assert page.get_by_label("What they will do").nth(0).input_value() == "Talk to two UX researchers"
    page.get_by_label("Next session", exact=True).fill(local_input(start + dt.timedelta(days=7)))
    coach.assert_accessible()
    coach.screenshot("07-wrap-up")
    page.get_by_role("button", name="Wrap up the session").click()
    page.wait_for_load_state()
    assert "Session wrapped up: 2 homework proposed" in page.content()
    coach.screenshot("08-wrapped-up")
    talk, send = Homework.objects.order_by("pk")
    next_session = Session.objects.scheduled().get()
    assert talk.due_on == next_session.scheduled_at.astimezone(zoneinfo.ZoneInfo("Europe/Paris")).date()
    first_session.refresh_from_db()
    assert first_session.status == Session.Status.HELD

    # 5. The client says "I'm in" to both and logs progress (htmx, no page load).
    tab.goto("/")
    assert "7 days" in tab.content() or "6 days" in tab.content()
    client.screenshot("09-client-proposals")
    for homework in (talk, send):
        card = tab.locator(f"#homework-{homework.pk}")
        card.get_by_role("button", name="I'm in").click()
        card.get_by_label("What did you do?").wait_for()
    card = tab.locator(f"#homework-{talk.pk}")
    card.get_by_label("What did you do?").fill("Messaged Sam and Priya")
    card.get_by_label("Minutes").fill("20")
    card.get_by_role("button", name="Log progress").click()
    card.get_by_text("Logged at").wait_for()
    assert ProgressEntry.objects.get().note == "Messaged Sam and Priya"
    # The other in one tap: 15 minutes, no typing.
    other = tab.locator(f"#homework-{send.pk}")
    other.get_by_role("button", name="15 min").click()
    other.get_by_text("Logged at").wait_for()
    assert "1 entry" in other.inner_text()
    assert ProgressEntry.objects.get(homework=send).minutes == 15
    client.assert_accessible()
    client.screenshot("10-client-logged-progress")

    # 6. A week later, at the next session: one done, one not done (procrastination), carried over.
    with time_machine.travel(start + dt.timedelta(days=7, minutes=10)):
        page.goto(f"/sessions/{next_session.pk}/")
        review(page, "Talk to two UX researchers", "Done")
        review(page, "Send the application to Acme", "Not done", "Procrastination", "Carry over")
        assert "Reviewed in this session" in page.content()
        page.get_by_label("Next session", exact=True).fill(local_input(start + dt.timedelta(days=14)))
        page.get_by_role("button", name="Wrap up the session").click()
        page.wait_for_load_state()
        coach.assert_accessible()
        coach.screenshot("11-second-session-reviewed")
        carried = Homework.objects.get(carried_from=send)
        assert not AgendaItem.objects.exists()
        tab.goto("/")
        tab.locator(f"#homework-{carried.pk}").get_by_role("button", name="I'm in").click()
        tab.locator(f"#homework-{carried.pk}").get_by_label("What did you do?").wait_for()
        client.screenshot("12-client-carried-over")

    # 7. And the same again: now it is raised "to explore" on the agenda.
    third_session = Session.objects.scheduled().get()
    with time_machine.travel(start + dt.timedelta(days=14, minutes=10)):
        page.goto(f"/sessions/{third_session.pk}/")
        review(page, "Send the application to Acme", "Not done", "Procrastination", "Carry over")
        agenda = page.locator("#agenda-items")
        assert agenda.get_by_text("To explore").is_visible()
        assert "carried over 2 times" in agenda.inner_text()
        coach.assert_accessible()
        coach.screenshot("13-to-explore-on-the-agenda")
        page.goto("/")
        assert page.locator("table.clients").get_by_text("To explore").is_visible()
        coach.screenshot("14-coach-home-to-explore")
        tab.goto(f"/homework/{carried.pk}/")
        client.assert_accessible()
        client.screenshot("15-client-homework-page")
    assert AgendaItem.objects.filter(kind=AgendaItem.Kind.TO_EXPLORE).count() == 1
