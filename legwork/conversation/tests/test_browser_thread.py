"""A change request answered in the thread and accepted, in two real browsers (Debian's chromium)."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_engagement, make_homework, make_user
from legwork.conversation.models import Message
from legwork.homework.models import Homework


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_change_request_is_answered_in_the_thread_and_accepted(open_browser: Any, live_server: Any) -> None:
    alice = make_user("alice@example.com", name="Alice Coach", is_coach=True)
    bob = make_user("bob@example.com", name="Bob Client")
    homework = make_homework(make_engagement(alice, bob), title="Send five applications")

    client = open_browser("client")
    client.sign_in("bob@example.com")
    client.page.goto(f"/homework/{homework.pk}/change/")
    client.page.get_by_label("What would you change?").fill("Two applications, not five: a busy week")
    client.page.locator("form button[type=submit]").last.click()
    client.page.wait_for_load_state()

    coach = open_browser("coach")
    coach.sign_in("alice@example.com")
    coach.page.goto("/coach/")
    coach.page.get_by_role("link", name="Bob Client: Send five applications").click()
    coach.page.wait_for_load_state()
    assert "Two applications, not five" in coach.page.locator("#thread").inner_text()
    coach.page.get_by_label("Your message").fill("Fair: **two** good ones beat five rushed.")
    coach.page.get_by_role("button", name="Send").click()
    coach.page.wait_for_load_state()
    coach.page.get_by_role("link", name="Accept the change…").click()
    coach.page.get_by_label("what you will do", exact=False).fill("Send two applications")
    coach.page.locator("main form button[type=submit]").last.click()
    coach.page.wait_for_load_state()
    coach.screenshot("thread-accepted")
    coach.page.set_viewport_size({"width": 390, "height": 800})
    coach.screenshot("thread-accepted-phone")
    coach.page.set_viewport_size({"width": 1280, "height": 900})

    client.page.goto(f"/homework/{homework.pk}/")
    thread = client.page.locator("#thread").inner_text()
    assert "two" in thread
    assert "accepted the change" in thread
    client.page.get_by_role("button", name="I'm in").first.click()
    client.page.wait_for_load_state()
    homework.refresh_from_db()
    assert (homework.title, homework.status) == ("Send two applications", Homework.Status.CONFIRMED)
    assert list(Message.objects.values_list("kind", flat=True)) == ["change_request", "message", "accepted"]
    client.assert_accessible()
