"""Engagements, goals, sessions and the agenda through the API: the pages' forms and services."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from legwork.coaching.models import AgendaItem, Engagement, Goal, Session

from .conftest import World, token_client


def test_me_says_who_the_token_belongs_to(world: World) -> None:
    body = token_client(world.alice).get("/api/v1/me").json()
    assert body == {
        "id": world.alice.pk,
        "name": "Alice Coach",
        "email": "alice@example.com",
        "timezone": "Europe/London",
        "is_coach": True,
    }


def test_an_engagement_shows_its_next_session(world: World) -> None:
    body = token_client(world.bob).get(f"/api/v1/engagements/{world.engagement.pk}").json()
    next_session = world.engagement.next_session()
    assert next_session is not None
    assert body["next_session"]["id"] == next_session.pk
    assert body["coach"]["name"] == "Alice Coach"
    assert "private_notes" not in body["next_session"]


def test_the_coach_pauses_an_engagement_with_the_pages_choices(world: World) -> None:
    client = token_client(world.alice)
    url = f"/api/v1/engagements/{world.engagement.pk}/status"
    assert client.send("POST", url, {"status": "paused"}).json()["status"] == "paused"
    response = client.send("POST", url, {"status": "asleep"})
    assert response.status_code == 400
    assert "status" in response.json()["fields"]
    world.engagement.refresh_from_db()
    assert world.engagement.status == Engagement.Status.PAUSED


def test_coach_and_client_add_goals_and_read_them(world: World) -> None:
    url = f"/api/v1/engagements/{world.engagement.pk}/goals"
    response = token_client(world.bob).send("POST", url, {"title": "Less dread on Sundays", "description": "Soon"})
    assert response.status_code == 201
    assert response.json()["title"] == "Less dread on Sundays"
    titles = [goal["title"] for goal in token_client(world.alice).get(url).json()["results"]]
    assert titles == ["A product role by summer", "Less dread on Sundays"]


def test_a_goal_is_checked_by_the_pages_form(world: World) -> None:
    url = f"/api/v1/engagements/{world.engagement.pk}/goals"
    response = token_client(world.bob).send("POST", url, {"title": "   ", "description": 3})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"description"}  # the type is checked before the form runs
    response = token_client(world.bob).send("POST", url, {"title": "x" * 201})
    assert "title" in response.json()["fields"]
    assert Goal.objects.count() == 1


def test_the_coach_schedules_a_session_in_their_own_time_zone(world: World) -> None:
    world.alice.timezone = "America/New_York"
    world.alice.save(update_fields=["timezone"])
    day = timezone.localdate() + dt.timedelta(days=20)
    response = token_client(world.alice).send(
        "POST",
        f"/api/v1/engagements/{world.engagement.pk}/sessions",
        {"scheduled_at": f"{day.isoformat()}T17:30", "duration_minutes": 45, "meeting_url": "https://meet.example/x"},
    )
    assert response.status_code == 201
    session = Session.objects.get(pk=response.json()["id"])
    local = session.scheduled_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert (local.date(), local.hour, local.minute, session.duration_minutes) == (day, 17, 30, 45)


def test_a_session_takes_an_offset_and_refuses_what_the_form_refuses(world: World) -> None:
    url = f"/api/v1/engagements/{world.engagement.pk}/sessions"
    client = token_client(world.alice)
    when = (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    response = client.send("POST", url, {"scheduled_at": when.isoformat(), "duration_minutes": 60})
    assert Session.objects.get(pk=response.json()["id"]).scheduled_at == when
    for body, field in [
        ({"scheduled_at": "next tuesday", "duration_minutes": 60}, "scheduled_at"),
        ({"scheduled_at": when.isoformat(), "duration_minutes": 1000}, "duration_minutes"),
        ({"scheduled_at": when.isoformat(), "duration_minutes": "60"}, "duration_minutes"),
        ({"duration_minutes": 60}, "scheduled_at"),
    ]:
        response = client.send("POST", url, body)
        assert response.status_code == 400, body
        assert field in response.json()["fields"], body


def test_sessions_list_latest_first_with_private_notes_for_the_coach(world: World) -> None:
    url = f"/api/v1/engagements/{world.engagement.pk}/sessions"
    coach = token_client(world.alice).get(url).json()["results"]
    assert [s["id"] for s in coach] == [world.next_session.pk, world.session.pk]
    assert coach[1]["private_notes"] == "canary-private-2b7e"
    assert all("private_notes" not in s for s in token_client(world.bob).get(url).json()["results"])


def test_the_coach_writes_notes_and_fields_left_out_stay(world: World) -> None:
    client = token_client(world.alice)
    base = f"/api/v1/sessions/{world.session.pk}"
    assert client.send("POST", base + "/notes", {"agenda": "The move"}).status_code == 200
    body = client.send("POST", base + "/notes", {"shared_notes": "We talked about Acme."}).json()
    assert (body["agenda"], body["shared_notes"]) == ("The move", "We talked about Acme.")
    body = client.send("POST", base + "/private-notes", {"private_notes": "Tired today"}).json()
    assert body["private_notes"] == "Tired today"
    response = client.send("POST", base + "/notes", {"agenda": "x" * 5001})
    assert response.status_code == 400
    world.session.refresh_from_db()
    assert world.session.agenda == "The move"


def test_the_coach_marks_a_session(world: World) -> None:
    response = token_client(world.alice).send("POST", f"/api/v1/sessions/{world.session.pk}/status", {"status": "held"})
    assert response.json()["status"] == "held"


def test_the_agenda_takes_points_from_both_and_the_coach_resolves_them(world: World) -> None:
    response = token_client(world.bob).send(
        "POST", f"/api/v1/sessions/{world.session.pk}/agenda", {"text": "My notice period"}
    )
    assert response.status_code == 201
    item = response.json()
    url = f"/api/v1/engagements/{world.engagement.pk}/agenda"
    assert [point["text"] for point in token_client(world.alice).get(url).json()["results"]] == [
        "Talk about the move",
        "My notice period",
    ]
    resolved = token_client(world.alice).post(f"/api/v1/sessions/{world.session.pk}/agenda/{item['id']}/resolve")
    assert resolved.json()["resolved"] is True
    assert AgendaItem.objects.open().count() == 1


def test_an_agenda_point_of_another_engagement_is_404_from_this_session(world: World, carol_dan: Engagement) -> None:
    other = AgendaItem.objects.create(engagement=carol_dan, text="Dan's point")
    response = token_client(world.alice).post(f"/api/v1/sessions/{world.session.pk}/agenda/{other.pk}/resolve")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.resolved_at is None


def test_the_coachs_client_list(world: World) -> None:
    body = token_client(world.alice).get("/api/v1/coach/clients").json()
    assert [(row["client"]["name"], row["open_homework"]) for row in body["results"]] == [("Bob Client", 2)]
