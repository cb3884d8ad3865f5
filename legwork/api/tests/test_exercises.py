"""Exercises and answers through the API: the one door for documents, the answer page's reader."""

from __future__ import annotations

from legwork.accounts.models import User
from legwork.exercises.models import Exercise
from legwork.homework.models import Homework, ProgressEntry

from .conftest import EXERCISE_DOCUMENT, World, token_client


def test_the_library_holds_the_built_ins_and_the_coachs_own(world: World, carol: User) -> None:
    client = token_client(world.alice)
    results = client.get("/api/v1/exercises?limit=200").json()["results"]
    slugs = {item["document"]["slug"] for item in results}
    assert {"values", "possible-selves", "my-strengths"} <= slugs
    theirs = token_client(carol).get("/api/v1/exercises?limit=200").json()["results"]
    assert "my-strengths" not in {item["document"]["slug"] for item in theirs}


def test_a_coach_writes_an_exercise_through_the_same_checks_as_a_file(world: World) -> None:
    client = token_client(world.alice)
    response = client.send("POST", "/api/v1/exercises", {**EXERCISE_DOCUMENT, "title": "Strengths, again"})
    assert response.status_code == 201
    body = response.json()
    assert body["document"]["slug"] == "my-strengths-2"  # the first is taken: a free one, as an import gets
    broken = {**EXERCISE_DOCUMENT, "fields": [{"name": "x", "label": "X", "type": "single_choice"}]}
    response = client.send("POST", "/api/v1/exercises", broken)
    assert response.status_code == 400
    assert "missing options" in " ".join(response.json()["fields"].values())
    big = {**EXERCISE_DOCUMENT, "instructions": "x" * 250_000}
    assert client.send("POST", "/api/v1/exercises", big).status_code == 413
    assert Exercise.objects.filter(owner=world.alice).count() == 2


def test_a_coach_rewrites_duplicates_archives_their_own_and_reads_a_built_in(world: World) -> None:
    client = token_client(world.alice)
    url = f"/api/v1/exercises/{world.exercise.pk}"
    body = client.send("PUT", url, {**EXERCISE_DOCUMENT, "slug": "renamed", "title": "My strengths, kindly"}).json()
    assert (body["document"]["title"], body["document"]["slug"]) == ("My strengths, kindly", "my-strengths")
    assert client.post(url + "/archive").json()["archived_at"] is not None
    assert client.post(url + "/unarchive").json()["archived_at"] is None
    values = Exercise.objects.get(slug="values", owner=None)
    assert client.get(f"/api/v1/exercises/{values.pk}").json()["builtin"] is True
    assert client.send("PUT", f"/api/v1/exercises/{values.pk}", EXERCISE_DOCUMENT).status_code == 403
    assert client.post(f"/api/v1/exercises/{values.pk}/archive").status_code == 403
    copy = client.post(f"/api/v1/exercises/{values.pk}/duplicate")
    assert copy.status_code == 201
    assert copy.json()["document"]["title"] == "Values (my copy)"


def test_the_coach_proposes_an_exercise_as_homework(world: World, carol_dan: object) -> None:
    client = token_client(world.alice)
    url = f"/api/v1/exercises/{world.exercise.pk}/propose"
    body = client.send("POST", url, {"engagement": world.engagement.pk, "title": "Strengths, before Friday"}).json()
    assert (body["title"], body["status"]) == ("Strengths, before Friday", "proposed")
    response = client.send("POST", url, {"engagement": carol_dan.pk})  # type: ignore[attr-defined]
    assert response.status_code == 400
    assert "engagement" in response.json()["fields"]


def test_the_client_answers_over_several_sittings(world: World) -> None:
    client = token_client(world.bob)
    url = f"/api/v1/homework/{world.carrying.pk}/answers"
    assert client.get(url).json()["latest"] is None
    answers = {
        "strengths": ["Listening", "Patience"],
        "confidence": 7,
        "kinds": ["people"],
        "stories": [{"what": "Calmed a room"}, {"what": ""}],
    }
    response = client.send("POST", url, {"answers": answers})
    assert response.status_code == 201
    saved = response.json()["answers"]
    assert saved == {**answers, "stories": [{"what": "Calmed a room"}]}
    client.send("POST", url, {"answers": {**answers, "confidence": 8}})
    sheet = token_client(world.alice).get(url).json()
    assert (sheet["exercise"], sheet["latest"]["answers"]["confidence"]) == ("My strengths", 8)
    assert ProgressEntry.objects.filter(homework=world.carrying).count() == 2


def test_answers_are_checked_as_the_answer_page_checks_them(world: World) -> None:
    client = token_client(world.bob)
    url = f"/api/v1/homework/{world.carrying.pk}/answers"
    for answers, field in [
        ({}, "answers.strengths"),
        ({"strengths": ["a"], "confidence": 11}, "answers.confidence"),
        ({"strengths": ["a"], "confidence": "7"}, "answers.confidence"),
        ({"strengths": ["a"], "kinds": ["plants"]}, "answers.kinds"),
        ({"strengths": ["a"], "stories": [{"what": "x" * 301}]}, "answers.stories[0].what"),
        ({"strengths": ["a"], "stories": [{"who": "me"}]}, "answers.stories[0].who"),
        ({"strengths": ["a"], "stories": [{"what": "x"}] * 4}, "answers.stories"),
        ({"strengths": ["a"], "mood": "fine"}, "answers.mood"),
    ]:
        response = client.send("POST", url, {"answers": answers})
        assert response.status_code == 400, answers
        assert field in response.json()["fields"], (answers, response.json())
    assert client.send("POST", url, {"answers": "all good"}).status_code == 400
    assert not ProgressEntry.objects.filter(homework=world.carrying).exists()


def test_a_homework_without_an_exercise_has_no_answers(world: World) -> None:
    assert token_client(world.bob).get(f"/api/v1/homework/{world.homework.pk}/answers").status_code == 404


def test_reviewed_homework_keeps_its_answers_as_they_were(world: World) -> None:
    Homework.objects.filter(pk=world.carrying.pk).update(outcome="done")
    url = f"/api/v1/homework/{world.carrying.pk}/answers"
    assert token_client(world.bob).send("POST", url, {"answers": {"strengths": ["a"]}}).status_code == 409


def test_an_owner_shares_an_exercise_with_the_practice_and_a_colleague_uses_it_read_only(
    world: World, frank: User, carol: User
) -> None:
    url = f"/api/v1/exercises/{world.exercise.pk}"
    colleague, outsider = token_client(frank), token_client(carol)
    assert colleague.get(url).status_code == 404  # the owner's alone until shared
    body = token_client(world.alice).send("POST", f"{url}/share").json()
    assert body["shared_at"] is not None
    assert body["shared_by"] == "Alice Coach"
    listed = {item["id"]: item for item in colleague.get("/api/v1/exercises?limit=200").json()["results"]}
    assert listed[world.exercise.pk]["shared_by"] == "Alice Coach"
    assert colleague.get(url).status_code == 200
    for method, path, data in [
        ("PUT", url, {**EXERCISE_DOCUMENT, "title": "Frank's now"}),
        ("POST", f"{url}/archive", None),
        ("POST", f"{url}/unshare", None),
    ]:
        assert colleague.send(method, path, data).status_code == 403, path
    assert colleague.send("POST", f"{url}/duplicate").status_code == 201
    # A coach of another practice: not in the list, 404 at the door.
    theirs = {item["id"] for item in outsider.get("/api/v1/exercises?limit=200").json()["results"]}
    assert world.exercise.pk not in theirs
    assert outsider.get(url).status_code == 404
    world.exercise.refresh_from_db()
    assert (world.exercise.title, world.exercise.archived_at) == ("My strengths", None)
    body = token_client(world.alice).send("POST", f"{url}/unshare").json()
    assert body["shared_at"] is None
    assert colleague.get(url).status_code == 404
