"""In Chromium: a coach builds an exercise, exports and re-imports it, hands it over; the client answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from legwork.exercises.models import Exercise
from legwork.homework.models import Homework, ProgressEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coach_builds_exports_reimports_and_proposes_an_exercise(
    open_browser: Any, alice: Any, bob: Any, alice_bob: Any, tmp_path: Path
) -> None:
    coach = open_browser("coach")
    coach.sign_in(alice.email)
    coach.page.goto("/exercises/")
    coach.assert_accessible()
    coach.screenshot("exercise-library")
    coach.page.click("text=Write a new exercise")
    coach.page.fill("#id_title", "Networking map")
    coach.page.check("input[name=purpose][value=act]")
    coach.page.check("input[name=kind][value=emotional]")
    coach.page.fill("#id_fields-0-label", "Who could you ask?")
    coach.page.select_option("#id_fields-0-type", "list")
    coach.page.fill("#id_fields-1-label", "How brave do you feel?")
    coach.page.select_option("#id_fields-1-type", "scale")
    coach.assert_accessible()
    coach.screenshot("exercise-editor")
    coach.page.click("text=Save the exercise")
    coach.page.get_by_role("heading", name="Networking map").wait_for()
    exercise = Exercise.objects.get(owner=alice)
    assert [field["type"] for field in exercise.fields] == ["list", "scale"]

    with coach.page.expect_download() as download:
        coach.page.click("text=Export as a file")
    exported = tmp_path / "networking-map.yaml"
    download.value.save_as(exported)
    coach.page.goto("/exercises/")
    coach.page.set_input_files("#id_file", str(exported))
    coach.page.click("button:text('Import')")
    coach.page.get_by_text("Imported “Networking map”").wait_for()
    assert Exercise.objects.filter(owner=alice).count() == 2

    coach.page.goto(exercise.get_absolute_url())
    coach.assert_accessible()
    coach.screenshot("exercise-detail")
    coach.page.get_by_role("button", name="Propose it").click()
    coach.page.get_by_text("Proposed to Bob Client").wait_for()
    homework = Homework.objects.get()
    homework.confirm()

    client = open_browser("client")
    client.sign_in(bob.email)
    client.page.goto(homework.get_absolute_url())
    client.page.click("text=Fill it in")
    client.page.fill("#a-who_could_you_ask", "Dana\nMy old manager")
    client.page.check("input[name=how_brave_do_you_feel][value='4']")
    client.page.click("text=Save my answers")
    client.page.get_by_text("Saved. Come back to it").wait_for()
    client.page.fill("#a-who_could_you_ask", "Dana\nMy old manager\nThe meetup organiser")
    client.page.check("input[name=how_brave_do_you_feel][value='6']")
    client.page.click("text=Save my answers")
    client.page.get_by_text("Saved. Come back to it").wait_for()
    client.assert_accessible()
    client.screenshot("exercise-answers")
    assert [
        (entry.answers or {})["how_brave_do_you_feel"] for entry in ProgressEntry.objects.order_by("written_at")
    ] == [4, 6]

    coach.page.goto(homework.get_absolute_url())
    assert coach.page.get_by_text("The meetup organiser").is_visible()
    assert coach.page.get_by_text("Earlier saves (1)").is_visible()
    coach.assert_accessible()
    coach.screenshot("homework-with-answers")


def test_the_builtin_group_exercise_keeps_answers_when_one_is_wrong(
    open_browser: Any, alice: Any, bob: Any, alice_bob: Any
) -> None:
    from legwork.exercises.services import exercise_propose

    homework = exercise_propose(
        exercise=Exercise.objects.get(slug="energy-audit", owner=None), engagement=alice_bob, by=alice
    )
    homework.confirm()
    client = open_browser("client")
    client.sign_in(bob.email)
    client.page.goto(f"/homework/{homework.pk}/exercise/")
    client.page.fill("#a-days-0-gave", "Solving the caching bug")
    client.page.click("text=Add another")
    client.page.fill("#a-days-1-drained", "Three status meetings")
    client.page.fill("#a-days-1-date", "2026-03-03")
    client.page.fill("#a-change", "x" * 400)
    client.page.click("text=Save my answers")
    client.page.get_by_text("Keep it under 300 characters.").wait_for()
    assert client.page.input_value("#a-days-0-gave") == "Solving the caching bug"
    assert client.page.input_value("#a-days-1-drained") == "Three status meetings"
    client.assert_accessible()
    client.screenshot("exercise-answers-error")
    assert not ProgressEntry.objects.exists()
