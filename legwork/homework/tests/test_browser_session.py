"""The session page as the session runs, in a real browser at a phone's and a desk's width.

Before (agenda, brief) → review (one outcome needing a reason and a decision, one not) →
wrap-up → closed; a failed review shows its error in place and leaves a reloadable address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_homework, make_session
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework


def watch_console(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_the_session_page_runs_before_review_wrap_up_and_closed(
    open_browser: Any, alice_bob: Engagement, width: int
) -> None:
    alice = alice_bob.coach
    upcoming = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=1))
    session = make_session(alice_bob, at=timezone.now() - dt.timedelta(minutes=10))
    agreed = timezone.now() - dt.timedelta(days=7)
    done = make_homework(alice_bob, "Talk to two UX researchers", status="confirmed", created_at=agreed)
    stuck = make_homework(
        alice_bob, "Send the application", status="confirmed", created_at=agreed, first_step="Open the form"
    )
    coach = open_browser(f"session-{width}")
    page = coach.page
    page.set_viewport_size({"width": width, "height": 900})
    errors = watch_console(page)
    coach.sign_in(alice.email)

    # Before: the agenda and the brief; no review, no wrap-up form yet.
    page.goto(upcoming.get_absolute_url())
    assert page.locator("#prepare").get_by_role("link", name="Read the brief").is_visible()
    assert page.locator("form.review").count() == 0
    assert page.locator("#id_homework-0-title").count() == 0
    coach.assert_accessible()
    coach.screenshot("1-before")
    # "Mark as": as wide as its words on a desk; the row's width beside Save on a phone.
    select = page.get_by_label("Mark as").bounding_box()
    save = page.locator("form.session-status").get_by_role("button", name="Save").bounding_box()
    assert select is not None
    assert save is not None
    if width >= 1280:
        assert select["width"] < 170, select
    else:
        assert select["x"] < 40
        assert save["x"] + save["width"] > width - 40
        assert select["width"] > width - save["width"] - 90

    # Review: Done needs nothing more; Not done shows the reason and decision.
    page.goto(session.get_absolute_url())
    form = page.locator(f"#review-{stuck.pk}")
    assert form.get_by_text("First step: Open the form").is_visible()
    assert not form.get_by_label("Reason, if not done").is_visible()
    form.get_by_label("Done", exact=True).check()
    assert not form.get_by_label("Reason, if not done").is_visible()
    form.get_by_label("Not done", exact=True).check()
    assert form.get_by_label("Reason, if not done").is_visible()
    coach.assert_accessible()
    coach.screenshot("2-review")
    # A failed review (no reason, no decision): the error in place, the address still the page's own.
    form.get_by_role("button", name="Record the outcome").click()
    form = page.locator(f"#review-{stuck.pk}")
    form.get_by_text("Pick the reason it didn't happen.").wait_for()
    assert page.url.endswith(session.get_absolute_url())
    assert form.get_by_label("Not done", exact=True).is_checked()
    coach.screenshot("3-review-error")
    page.reload()
    assert page.url.endswith(session.get_absolute_url())
    assert "405" not in page.title()
    # Now properly: not done, time, carry over; and the other one done.
    form = page.locator(f"#review-{stuck.pk}")
    form.get_by_label("Not done", exact=True).check()
    form.get_by_label("Reason, if not done").select_option(label="Time")
    form.get_by_label("Decision, if not done").select_option(label="Carry over")
    with page.expect_navigation():
        form.get_by_role("button", name="Record the outcome").click()
    form = page.locator(f"#review-{done.pk}")
    form.get_by_label("Done", exact=True).check()
    with page.expect_navigation():
        form.get_by_role("button", name="Record the outcome").click()
    assert page.locator("form.review").count() == 0
    assert Homework.objects.get(pk=stuck.pk).reason == "time"

    # Wrap-up: the plan fields in view, no purpose chosen; a row without one is refused beside it.
    wrap = page.locator("#wrap-up")
    assert wrap.get_by_label("When", exact=True).first.is_visible()
    assert wrap.locator("input[type=radio]:checked").count() == 0
    wrap.get_by_label("What they will do").first.fill("Ask Dana for a coffee")
    with page.expect_navigation():
        wrap.get_by_role("button", name="Wrap up the session").click()
    assert page.url.endswith(session.get_absolute_url() + "#wrap-up")
    assert page.get_by_text("Choose one: explore").is_visible()
    assert page.get_by_label("What they will do").first.input_value() == "Ask Dana for a coffee"
    coach.assert_accessible()
    coach.screenshot("4-wrap-up")
    page.locator("#id_homework-0-purpose_1").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Wrap up the session").click()

    # Closed: what was agreed, and no empty wrap-up form.
    assert page.get_by_text("Session wrapped up: 1 homework proposed").is_visible()
    assert page.locator("#id_homework-0-title").count() == 0
    assert page.locator("#agreed-h").is_visible()
    coach.assert_accessible()
    coach.screenshot("5-closed")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not errors, errors
