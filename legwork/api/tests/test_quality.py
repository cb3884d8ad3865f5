"""The quality, check-in and step routes: the same rules as the pages, every answer checked against OpenAPI."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from conftest import make_homework, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement
from legwork.exercises.models import Exercise
from legwork.exercises.services import answers_save, exercise_propose, exercise_sync_builtins
from legwork.homework.models import Homework
from legwork.quality.models import CheckInAnswer, QualityRating, Step


def test_both_rate_through_the_api_blind_then_shown(api: Any, alice: User, bob: User, alice_bob: Engagement) -> None:
    live = make_session(alice_bob, at=timezone.now() - dt.timedelta(minutes=5))
    item = make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    url = f"/api/v1/homework/{item.pk}/quality"
    client, coach = api(bob), api(alice)
    answer = client.send("PUT", url, {"how_well": 3, "usefulness": 2, "word": "slow start"})
    assert answer.status_code == 200
    assert answer.json()["waiting_for"] == ["coach"]
    assert coach.send("PUT", url, {"how_well": 3, "usefulness": 3}).status_code == 409  # no outcome yet
    item.record_outcome(outcome="done", reason="", decision="", note="", session=live)
    assert coach.get(url).json()["ratings"] == []
    shown = coach.send("PUT", url, {"how_well": 4, "usefulness": 3}).json()
    assert shown["revealed"] is True
    assert {r["role"]: r["usefulness"] for r in shown["ratings"]} == {"client": 2, "coach": 3}
    assert client.send("PUT", url, {"how_well": 1, "usefulness": 1}).status_code == 409


def test_a_rating_off_the_scale_is_a_400_naming_the_field(api: Any, bob: User, alice_bob: Engagement) -> None:
    item = make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    for body, field in [
        ({"how_well": 9, "usefulness": 2}, "how_well"),
        ({"how_well": 2}, "usefulness"),
        ({"how_well": "x", "usefulness": 2}, "how_well"),
    ]:
        answer = api(bob).send("PUT", f"/api/v1/homework/{item.pk}/quality", body)
        assert answer.status_code == 400, body
        assert field in answer.json()["fields"], body
    assert not QualityRating.objects.exists()


def test_the_coach_sets_check_ins_and_the_client_answers(
    api: Any, alice: User, bob: User, alice_bob: Engagement
) -> None:
    session = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=3))
    body = {
        "keys": ["confidence", "energy"],
        "own": [{"question": "Sleep", "low_label": "poor", "high_label": "great"}],
    }
    scales = api(alice).send("PUT", f"/api/v1/engagements/{alice_bob.pk}/check-ins", body).json()["scales"]
    assert [s["question"] for s in scales] == ["Confidence that I can get there", "Energy for the search", "Sleep"]
    first = scales[0]["id"]
    answers = [{"scale": first, "value": 4}, {"scale": scales[2]["id"], "value": None}]
    answer = api(bob).send("PUT", f"/api/v1/sessions/{session.pk}/check-ins", {"answers": answers})
    assert answer.status_code == 200
    assert answer.json()["answers"][0]["value"] == 4
    bad = api(bob).send("PUT", f"/api/v1/sessions/{session.pk}/check-ins", {"answers": [{"scale": first, "value": 11}]})
    assert bad.status_code == 400
    assert CheckInAnswer.objects.get().value == 4
    unknown = api(alice).send("PUT", f"/api/v1/engagements/{alice_bob.pk}/check-ins", {"keys": ["nope"]})
    assert unknown.status_code == 400
    assert api(alice).get(f"/api/v1/engagements/{alice_bob.pk}/check-ins").json()["answers"][0]["value"] == 4


def test_a_strategy_becomes_a_step_through_the_api(api: Any, alice: User, bob: User, alice_bob: Engagement) -> None:
    exercise_sync_builtins()
    selves = Exercise.objects.builtins().get(slug="possible-selves")
    source = exercise_propose(exercise=selves, engagement=alice_bob, by=alice)
    source.confirm()
    answers_save(
        homework=source,
        by=bob,
        answers={
            "selves": [
                {
                    "kind": "Hoped-for",
                    "description": "I lead a small team",
                    "strategies": ["Ask to mentor the intern", "Read a book on it"],
                }
            ]
        },
    )
    url = f"/api/v1/homework/{source.pk}/steps"
    made = api(bob).send("POST", url, {"anchor": 0, "strategy": 1})
    assert made.status_code == 201
    assert made.json()["homework"]["title"] == "Read a book on it"
    assert made.json()["step"]["self"] == "I lead a small team"
    again = api(alice).send("POST", url, {"anchor": 0, "strategy": 1})
    assert again.json()["homework"]["id"] == made.json()["homework"]["id"]
    assert Step.objects.count() == 1
    assert api(bob).send("POST", url, {"anchor": 3, "strategy": 0}).status_code == 404
    assert api(bob).send("POST", url, {"anchor": -1, "strategy": 0}).status_code == 400
