"""The journal and thinking time through the API: the client's own, shared entry by entry."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from legwork.notebook.models import EntryDraft, JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence

from .conftest import World, token_client


def test_the_client_writes_an_entry_private_by_default(world: World) -> None:
    EntryDraft.objects.create(client=world.bob, body="half a thought")
    response = token_client(world.bob).send(
        "POST", "/api/v1/journal", {"title": "Sunday", "body": "# Energy\nMornings", "tags": "energy, energy, sleep"}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["shared_with"], body["tags"]) == (None, ["energy", "sleep"])
    assert not EntryDraft.objects.filter(
        client=world.bob, entry=None
    ).exists()  # saved over the draft, as the page does


def test_an_entry_is_checked_by_the_pages_form(world: World, carol_dan: object) -> None:
    from conftest import make_homework

    dans = make_homework(carol_dan)  # type: ignore[arg-type]
    client = token_client(world.bob)
    for body, field in [
        ({"body": "x" * 50_001}, "body"),
        ({"homework": dans.pk}, "homework"),
        ({"title": ["a"]}, "title"),
    ]:
        response = client.send("POST", "/api/v1/journal", body)
        assert response.status_code == 400, body
        assert field in response.json()["fields"], body
    assert JournalEntry.objects.filter(client=world.bob).count() == 2


def test_the_client_lists_searches_edits_and_deletes_their_own(world: World) -> None:
    client = token_client(world.bob)
    assert [e["title"] for e in client.get("/api/v1/journal").json()["results"]] == ["For Alice", "Mine"]
    assert [e["title"] for e in client.get("/api/v1/journal?q=canary").json()["results"]] == ["Mine"]
    url = f"/api/v1/journal/{world.private_entry.pk}"
    body = client.send("PATCH", url, {"title": "Still mine"}).json()
    assert (body["title"], body["body"]) == ("Still mine", "canary-unshared-4f1a")
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404


def test_the_client_shares_with_their_own_coach_only(world: World, carol_dan: object) -> None:
    client = token_client(world.bob)
    url = f"/api/v1/journal/{world.private_entry.pk}/share"
    assert client.send("POST", url, {"engagement": carol_dan.pk}).status_code == 400  # type: ignore[attr-defined]
    body = client.send("POST", url, {"engagement": world.engagement.pk}).json()
    assert body["shared_with"] == world.engagement.pk
    assert token_client(world.alice).get(f"/api/v1/journal/{world.private_entry.pk}").status_code == 200
    assert client.post(f"/api/v1/journal/{world.private_entry.pk}/unshare").json()["shared_with"] is None


def test_a_coachs_own_journal_is_theirs_not_their_clients(world: World) -> None:
    """A coach who is also a client keeps a journal too: the list is their own entries, never a client's."""
    JournalEntry.objects.create(client=world.alice, title="Alice's own")
    titles = [e["title"] for e in token_client(world.alice).get("/api/v1/journal").json()["results"]]
    assert titles == ["Alice's own"]


def test_the_client_sets_aside_thinking_time_in_their_zone(world: World) -> None:
    client = token_client(world.bob)
    response = client.send(
        "POST", "/api/v1/thinking-time", {"days": ["SA", "TU"], "start_time": "09:30", "duration_minutes": 90}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["rrule"], body["timezone"], body["start_time"]) == (
        "FREQ=WEEKLY;BYDAY=TU,SA",
        "Europe/London",
        "09:30",
    )
    for bad, field in [
        ({"days": ["XX"], "start_time": "09:00", "duration_minutes": 60}, "days"),
        ({"days": "SA", "start_time": "09:00", "duration_minutes": 60}, "days"),
        ({"days": ["SA"], "start_time": "25:00", "duration_minutes": 60}, "start_time"),
        ({"days": ["SA"], "start_time": "09:00", "duration_minutes": 2}, "duration_minutes"),
        ({"days": ["SA"], "start_time": "09:00", "duration_minutes": 60, "timezone": "Mars/Olympus"}, "timezone"),
    ]:
        response = client.send("POST", "/api/v1/thinking-time", bad)
        assert response.status_code == 400, bad
        assert field in response.json()["fields"], bad
    assert ThinkingTimeBlock.objects.count() == 2


def test_the_client_changes_pauses_and_marks_a_block(world: World) -> None:
    client = token_client(world.bob)
    base = f"/api/v1/thinking-time/{world.block.pk}"
    body = client.send("PATCH", base, {"note": "garden, strong coffee"}).json()
    assert (body["note"], body["start_time"], body["rrule"]) == ("garden, strong coffee", "09:00", world.block.rrule)
    assert client.send("POST", base + "/active", {"active": False}).json()["active"] is False
    assert client.get("/api/v1/thinking-time").json()["results"][0]["active"] is False
    times = client.get(base + "/occurrences?days=3").json()["results"]
    assert 2 <= len(times) <= 3
    when = times[0]["starts_at"]
    mark = client.send("POST", base + "/mark", {"starts_at": when, "status": "taken", "note": "lovely"}).json()
    assert (mark["status"], mark["note"]) == ("taken", "lovely")
    assert client.get(base + "/occurrences?days=3").json()["results"][0]["status"] == "taken"
    assert ThinkingTimeOccurrence.objects.count() == 1


def test_a_mark_for_a_time_the_block_does_not_happen_is_a_400(world: World) -> None:
    client = token_client(world.bob)
    base = f"/api/v1/thinking-time/{world.block.pk}"
    odd = (timezone.now() - dt.timedelta(days=1)).replace(hour=11, minute=17).isoformat()
    response = client.send("POST", base + "/mark", {"starts_at": odd, "status": "taken"})
    assert response.status_code == 400
    assert "starts_at" in response.json()["fields"]
    assert client.get(base + "/occurrences?days=500").status_code == 400
    assert not ThinkingTimeOccurrence.objects.exists()
