"""The loop through the API: wrap-up, confirm or change, progress, reflection and review."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from conftest import make_homework, make_progress
from legwork.coaching.models import Session
from legwork.homework.models import Homework, ProgressEntry
from legwork.insights.models import Reflection

from .conftest import World, token_client


def test_the_homework_list_pages_with_a_cursor(world: World) -> None:
    for index in range(5):
        make_homework(world.engagement, title=f"Extra {index}", due_on=timezone.localdate() + dt.timedelta(days=index))
    client = token_client(world.bob)
    url = f"/api/v1/engagements/{world.engagement.pk}/homework?limit=3"
    first = client.get(url).json()
    second = client.get(url + f"&cursor={first['next_cursor']}").json()
    third = client.get(url + f"&cursor={second['next_cursor']}").json()
    seen = [item["id"] for page in (first, second, third) for item in page["results"]]
    assert len(seen) == len(set(seen)) == 7
    assert third["next_cursor"] is None
    due = [item["due_on"] for page in (first, second, third) for item in page["results"]]
    assert due == sorted(due, reverse=True)


def test_a_forged_cursor_or_limit_is_a_400(world: World) -> None:
    client = token_client(world.bob)
    url = f"/api/v1/engagements/{world.engagement.pk}/homework"
    for query in ("cursor=nope", "cursor=WyJ4Il0", "cursor=WyIxIiwiMiIsIjMiXQ", "limit=0", "limit=1000", "limit=x"):
        assert client.get(f"{url}?{query}").status_code == 400, query


def test_open_homework_only_on_request(world: World) -> None:
    world.homework.outcome = "done"
    world.homework.save(update_fields=["outcome"])
    url = f"/api/v1/engagements/{world.engagement.pk}/homework?open=1"
    assert [item["id"] for item in token_client(world.bob).get(url).json()["results"]] == [world.carrying.pk]


def test_a_homework_shows_its_progress_newest_first(world: World) -> None:
    make_progress(world.homework, note="Sent the email")
    body = token_client(world.alice).get(f"/api/v1/homework/{world.homework.pk}").json()
    assert [entry["note"] for entry in body["progress"]] == ["Sent the email", "Left a voicemail"]
    listed = token_client(world.alice).get(f"/api/v1/homework/{world.homework.pk}/progress").json()["results"]
    assert [entry["note"] for entry in listed] == ["Sent the email", "Left a voicemail"]


def test_the_coach_edits_a_homework_and_it_goes_back_to_the_client(world: World) -> None:
    response = token_client(world.alice).send(
        "PATCH", f"/api/v1/homework/{world.homework.pk}", {"first_step": "Find her number", "goal": world.goal.pk}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["first_step"], body["goal"], body["status"]) == ("Find her number", world.goal.title, "proposed")
    assert body["title"] == "Call Dana at Acme"  # left out, so kept


def test_an_edit_is_checked_by_the_pages_form(world: World, carol_dan: object) -> None:
    from legwork.coaching.models import Goal

    others = Goal.objects.create(engagement=carol_dan, title="Dan's goal")  # type: ignore[misc]
    client = token_client(world.alice)
    url = f"/api/v1/homework/{world.homework.pk}"
    for body, field in [
        ({"title": ""}, "title"),
        ({"purpose": "dream"}, "purpose"),
        ({"goal": others.pk}, "goal"),
        ({"goal": "1"}, "goal"),
        ({"colour": "red"}, "colour"),
    ]:
        response = client.send("PATCH", url, body)
        assert response.status_code == 400, body
        assert field in response.json()["fields"], body
    world.homework.refresh_from_db()
    assert (world.homework.title, world.homework.goal_id) == ("Call Dana at Acme", None)


def test_the_client_confirms_or_asks_for_a_change(world: World) -> None:
    proposal = make_homework(world.engagement, title="Update the CV")
    client = token_client(world.bob)
    body = client.send("POST", f"/api/v1/homework/{proposal.pk}/change", {"note": "Smaller: one section"}).json()
    assert (body["status"], body["change_note"]) == ("change_requested", "Smaller: one section")
    assert client.send("POST", f"/api/v1/homework/{proposal.pk}/change", {"note": ""}).status_code == 400
    assert client.post(f"/api/v1/homework/{proposal.pk}/confirm").json()["status"] == "confirmed"


def test_reviewed_homework_takes_no_progress_confirmation_or_change(world: World) -> None:
    world.homework.outcome = "done"
    world.homework.save(update_fields=["outcome"])
    client = token_client(world.bob)
    base = f"/api/v1/homework/{world.homework.pk}"
    assert client.send("POST", base + "/progress", {"note": "late"}).status_code == 409
    assert client.post(base + "/confirm").status_code == 409
    assert client.send("POST", base + "/change", {"note": "x"}).status_code == 409
    assert token_client(world.alice).send("PATCH", base, {"title": "x"}).status_code == 409
    assert ProgressEntry.objects.filter(homework=world.homework).count() == 1


def test_the_coach_reviews_and_a_carried_over_homework_is_linked(world: World) -> None:
    url = f"/api/v1/sessions/{world.session.pk}/review/{world.homework.pk}"
    client = token_client(world.alice)
    response = client.send("POST", url, {"outcome": "not_done"})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"reason", "decision"}
    response = client.send("POST", url, {"outcome": "not_done", "reason": "time", "decision": "carry_over"})
    assert response.status_code == 200
    body = response.json()
    assert (body["homework"]["outcome"], body["homework"]["reviewed_in"]) == ("not_done", world.session.pk)
    assert body["carried_over"]["carried_from"] == world.homework.pk
    again = client.send("POST", url, {"outcome": "done"})
    assert again.status_code == 409
    assert Homework.objects.filter(carried_from=world.homework).count() == 1


def test_a_homework_of_another_engagement_is_404_from_this_session(world: World, carol_dan: object) -> None:
    other = make_homework(world.engagement.__class__.objects.get(pk=carol_dan.pk))  # type: ignore[attr-defined]
    url = f"/api/v1/sessions/{world.session.pk}/review/{other.pk}"
    assert token_client(world.alice).send("POST", url, {"outcome": "done"}).status_code == 404


def test_the_wrap_up_proposes_the_homework_and_sets_the_next_session(world: World) -> None:
    next_at = (timezone.now() + dt.timedelta(days=21)).replace(microsecond=0)
    response = token_client(world.alice).send(
        "POST",
        f"/api/v1/sessions/{world.session.pk}/wrap-up",
        {
            "next_session_at": next_at.isoformat(),
            "homework": [
                {"title": "Coffee with Sam", "purpose": "explore", "goal": world.goal.pk},
                {"title": "Apply to Acme", "purpose": "act", "first_step": "Open the form", "plan_when": "Tuesday"},
            ],
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert body["session"]["status"] == "held"
    assert body["next_session"]["scheduled_at"] == next_at.isoformat()
    assert [item["status"] for item in body["homework"]] == ["proposed", "proposed"]
    due = next_at.astimezone(world.bob.zone).date().isoformat()
    assert {item["due_on"] for item in body["homework"]} == {due}
    assert Homework.objects.filter(agreed_in=world.session).count() == 2


def test_a_wrap_up_with_a_bad_row_saves_nothing_and_names_the_row(world: World) -> None:
    url = f"/api/v1/sessions/{world.session.pk}/wrap-up"
    client = token_client(world.alice)
    before = Homework.objects.count()
    cases = [
        ({"homework": [{"title": "Fine", "purpose": "act"}, {"purpose": "act"}]}, "homework[1].title"),
        ({"homework": [{"title": "Fine", "purpose": "lunch"}]}, "homework[0].purpose"),
        ({"homework": [{"title": 5, "purpose": "act"}]}, "homework[0].title"),
        ({"homework": "Fine"}, "homework"),
        ({"homework": [], "next_session_at": "2001-01-01T10:00"}, "next_session_at"),
        ({"homework": [], "when": "soon"}, "when"),
    ]
    for body, field in cases:
        response = client.send("POST", url, body)
        assert response.status_code == 400, body
        assert field in response.json()["fields"], (body, response.json())
    too_many = client.send("POST", url, {"homework": [{"title": f"H{i}", "purpose": "act"} for i in range(13)]})
    assert too_many.status_code == 400
    assert Homework.objects.count() == before
    world.session.refresh_from_db()
    assert world.session.status == Session.Status.SCHEDULED


def test_the_client_writes_the_reflection_until_the_session_starts(world: World) -> None:
    url = f"/api/v1/sessions/{world.next_session.pk}/reflection"
    client = token_client(world.bob)
    assert client.get(url).json()["what_i_did"] == "Called Dana"
    body = client.send("PUT", url, {"what_i_did": "Called Dana twice", "what_i_want_next": "Practise the pitch"}).json()
    assert (body["what_i_did"], body["what_i_learned"], body["editable"]) == ("Called Dana twice", "", True)
    assert token_client(world.alice).get(url).json()["what_i_want_next"] == "Practise the pitch"
    assert client.send("PUT", url, {"what_i_did": "x" * 3001}).status_code == 400
    with time_machine.travel(world.next_session.scheduled_at + dt.timedelta(minutes=1)):
        assert client.send("PUT", url, {"what_i_did": "Too late"}).status_code == 409
    assert Reflection.objects.get().what_i_did == "Called Dana twice"


def test_a_session_without_a_reflection_answers_404_and_the_client_writes_one(world: World) -> None:
    url = f"/api/v1/sessions/{world.session.pk}/reflection"
    assert token_client(world.bob).get(url).status_code == 404
    world.session.scheduled_at = timezone.now() + dt.timedelta(days=2)
    world.session.save(update_fields=["scheduled_at"])
    assert token_client(world.bob).send("PUT", url, {"what_i_learned": "A lot"}).status_code == 200


def test_a_wrap_up_sent_twice_with_its_once_key_is_saved_once(world: World) -> None:
    url = f"/api/v1/sessions/{world.session.pk}/wrap-up"
    body = {"once": "k-1", "homework": [{"title": "Coffee with Sam", "purpose": "explore"}]}
    client = token_client(world.alice)
    assert client.send("POST", url, body).status_code == 201
    assert client.send("POST", url, body).status_code == 409
    assert Homework.objects.filter(agreed_in=world.session).count() == 1


def test_a_session_still_to_come_cannot_be_wrapped_up_or_reviewed(world: World) -> None:
    client = token_client(world.alice)
    base = f"/api/v1/sessions/{world.next_session.pk}"
    assert client.send("POST", base + "/wrap-up", {"homework": []}).status_code == 409
    assert client.send("POST", f"{base}/review/{world.homework.pk}", {"outcome": "done"}).status_code == 409
    world.homework.refresh_from_db()
    assert world.homework.is_open
