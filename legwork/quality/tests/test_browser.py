"""Quality, check-ins and steps in a real browser: both ratings given blind and then shown, a check-in
answered in two reflections and charted, and a strategy turned into homework."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_homework, make_session
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.exercises.models import Exercise
from legwork.exercises.services import answers_save, exercise_propose, exercise_sync_builtins
from legwork.homework.models import Homework
from legwork.quality.models import Step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look(tab: Any, label: str) -> None:
    """A picture at a phone's width and a desktop's, to look at."""
    for width in (390, 1280):
        tab.page.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(f"{label}-{width}")
    tab.page.set_viewport_size({"width": 1200, "height": 900})


def rate(tab: Any, homework: Homework, how_well: str, usefulness: str, word: str) -> None:
    form = tab.page.locator(f"#rate-{homework.pk}")
    form.get_by_label(how_well, exact=True).check()
    form.get_by_label(usefulness, exact=True).check()
    form.get_by_label("A word about it (optional)").fill(word)
    form.get_by_role("button", name=re.compile("my rating")).click()
    tab.page.wait_for_load_state("networkidle")


def test_both_rate_blind_and_then_see_both(open_browser: Any, alice: User, bob: User, alice_bob: Engagement) -> None:
    live = make_session(alice_bob, at=timezone.now() - dt.timedelta(minutes=10))
    item = make_homework(
        alice_bob,
        "Ask Sam for an informational interview",
        status=Homework.Status.CONFIRMED,
        created_at=timezone.now() - dt.timedelta(days=10),
    )
    client, coach = open_browser("client"), open_browser("coach")
    client.sign_in(bob.email)
    coach.sign_in(alice.email)

    client.page.goto(f"/sessions/{live.pk}/")
    rate(client, item, "Very well", "Of little use", "box-ticking")
    assert client.page.get_by_text("You rated it: very well, of little use").is_visible()

    coach.page.goto(f"/sessions/{live.pk}/")
    assert "box-ticking" not in coach.page.content()
    form = coach.page.locator(f"#review-{item.pk}")
    form.get_by_label("Done", exact=True).check()
    form.get_by_role("button", name="Record the outcome").click()
    coach.page.wait_for_load_state("networkidle")
    assert coach.page.get_by_text("has rated it too").is_visible()
    assert "box-ticking" not in coach.page.content()
    coach.assert_accessible()
    look(coach, "session-rating-blind")
    rate(coach, item, "Well", "Somewhat useful", "thin")

    coach.page.goto(f"/homework/{item.pk}/")
    assert coach.page.get_by_text("“box-ticking”").is_visible()
    client.page.goto(f"/homework/{item.pk}/")
    assert client.page.get_by_text("“thin”").is_visible()
    look(client, "homework-ratings-shown")
    # Done, yet rated of little use: raised to explore.
    assert AgendaItem.objects.open().filter(homework=item, kind="to_explore").exists()


def test_a_check_in_answered_in_two_reflections_is_charted(
    open_browser: Any, alice: User, bob: User, alice_bob: Engagement
) -> None:
    coach, client = open_browser("coach"), open_browser("client")
    coach.sign_in(alice.email)
    coach.page.goto(f"/engagements/{alice_bob.pk}/check-ins/")
    coach.page.get_by_label(re.compile("Confidence that I can get there")).check()
    coach.page.get_by_label("Your own scale: the question").fill("Sleep")
    coach.page.get_by_label("Label at 0").fill("poor")
    coach.page.get_by_label("Label at 10").fill("great")
    coach.page.get_by_role("button", name="Save the scales").click()
    coach.page.wait_for_load_state("networkidle")
    assert coach.page.get_by_text("Check-ins saved").is_visible()

    client.sign_in(bob.email)
    first = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=1))
    for session, confidence, sleep in ((first, "3", "6"), (None, "7", "")):
        if session is None:  # the first session has been held; the next is ahead
            Session.objects.filter(pk=first.pk).update(
                scheduled_at=timezone.now() - dt.timedelta(days=13), status=Session.Status.HELD
            )
            session = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=1))
        client.page.goto(f"/sessions/{session.pk}/reflection/")
        client.page.get_by_label("Confidence that I can get there").fill(confidence)
        client.page.get_by_label("Sleep").fill(sleep)
        client.page.get_by_role("button", name="Save my check-in").click()
        client.page.wait_for_load_state("networkidle")
        assert client.page.get_by_text("Check-in saved.").is_visible()
    client.assert_accessible()
    look(client, "reflection-check-in")

    assert session is not None
    coach.page.goto(f"/sessions/{session.pk}/brief/")
    chart = coach.page.get_by_role("img", name="Check-ins across sessions")
    assert chart.is_visible()
    assert "Confidence that I can get there (0 none at all, 10 completely sure): 3, 7 (up 4)" in chart.inner_html()
    coach.assert_accessible()
    look(coach, "brief-check-ins")
    client.page.goto("/insights/")
    assert client.page.get_by_role("img", name="Check-ins across sessions").is_visible()
    look(client, "insights-check-ins")


def test_a_strategy_becomes_homework_in_one_step(
    open_browser: Any, alice: User, bob: User, alice_bob: Engagement
) -> None:
    exercise_sync_builtins()
    source = exercise_propose(
        exercise=Exercise.objects.builtins().get(slug="possible-selves"), engagement=alice_bob, by=alice
    )
    source.confirm()
    answers_save(
        homework=source,
        by=bob,
        answers={
            "selves": [
                {
                    "kind": "Hoped-for",
                    "description": "I lead a small product team",
                    "strategies": ["Mentor the intern"],
                },
                {
                    "kind": "Feared",
                    "description": "Still in the same role",
                    "strategies": ["Ask for a stretch project"],
                },
            ]
        },
    )
    next_session = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=5))
    client = open_browser("client")
    client.sign_in(bob.email)
    client.page.goto(f"/homework/{source.pk}/")
    look(client, "homework-steps")
    client.page.get_by_role("button", name="Make “Mentor the intern” a homework").click()
    client.page.wait_for_load_state("networkidle")
    assert client.page.get_by_role("heading", name="Mentor the intern").is_visible()
    assert client.page.get_by_text("A step towards").is_visible()
    step = Step.objects.get()
    assert (step.self_text, step.homework.status) == ("I lead a small product team", Homework.Status.PROPOSED)

    coach = open_browser("coach")
    coach.sign_in(alice.email)
    coach.page.goto(f"/sessions/{next_session.pk}/brief/")
    selves = coach.page.locator("section.selves")
    assert "Steps in motion: Mentor the intern" in selves.inner_text()
    assert "no step in motion yet" in selves.inner_text()
