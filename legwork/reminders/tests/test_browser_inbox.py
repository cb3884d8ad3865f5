"""The inbox in a real browser: an unread reminder is opened by clicking its link (by role and name),
at a phone's width and a desktop's, and nothing over the row takes the click."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from legwork.accounts.models import User
from legwork.reminders.models import Kind, Reminder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_it_opens_an_unread_reminder_by_clicking_its_link(open_browser: Any, bob: User, width: int) -> None:
    reminder = Reminder.objects.create(
        recipient=bob,
        kind=Kind.HOMEWORK_WAITING,
        due_at=timezone.now(),
        status=Reminder.Status.SENT,
        title="Frank Coach as your coach? Your practice asks",
        link="/notebook/",
        dedupe_key="test:inbox-click",
    )
    tab = open_browser("client")
    tab.page.set_viewport_size({"width": width, "height": 800})
    tab.sign_in(bob.email)
    tab.page.goto("/reminders/")
    # A plain click, with Playwright's check that the link itself is what receives it.
    tab.page.get_by_role("link", name="Unread: Frank Coach as your coach? Your practice asks").click(timeout=3_000)
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.url.endswith("/notebook/")
    reminder.refresh_from_db()
    assert reminder.read_at is not None
