"""An unshared journal entry never reaches anyone but its client.

Each unshared entry carries a unique canary string. We request every GET page (and
JSON API endpoint, with a personal token) the URLconf can reverse, with the id of
every object in play (so pages of every app that exists count, including ones
written after this test), plus every link found on the pages, as the client's coach,
another coach, another client and a stranger: the canary must be absent. Shared, it
appears on the coach's pages; unshared again, it is gone at once.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from typing import Any

import pytest
from django.urls import NoReverseMatch, get_resolver, reverse
from django.utils import timezone

from conftest import make_homework, make_progress, make_session
from legwork.coaching.models import Session
from legwork.exercises.models import Exercise
from legwork.exercises.services import exercise_propose
from legwork.notebook.models import EntryDraft, JournalEntry, ThinkingTimeBlock

pytestmark = pytest.mark.django_db

CANARY = "CANARY-e1f04c77"
SKIP = re.compile(r"^/(admin/|accounts/logout|static/)")
HREF = re.compile(r'href="(/[^"#]*)"')


def _content(response: Any) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # a zip archive (the exports): look inside every member
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", "replace")


def _url_names() -> list[str]:
    return [name for name in get_resolver().reverse_dict if isinstance(name, str)]


def reachable_urls(ids: list[int]) -> list[str]:
    """Every URL that reverses with no argument, one id, or two ids from `ids`."""
    urls = set()
    for name in _url_names():
        for args in itertools.chain([()], ((pk,) for pk in ids), itertools.product(ids[:6], repeat=2)):
            try:
                urls.add(reverse(name, args=args))
            except NoReverseMatch:
                continue
    return sorted(url for url in urls if not SKIP.match(url))


def sign_in(client: Any, person: Any) -> None:
    """Signed in for the pages and, with a personal token, for the JSON API too."""
    from legwork.api.models import ApiToken

    client.force_login(person)
    _, token = ApiToken.issue(user=person, name="privacy sweep")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert client.get(reverse("api_me")).status_code == 200


def sweep(client: Any, urls: list[str], needle: str) -> list[str]:
    """GET every URL and every same-site link found on the pages; return the ones that show `needle`."""
    seen: set[str] = set()
    queue = list(urls)
    leaks = []
    while queue and len(seen) < 1500:
        url = queue.pop()
        if url in seen or SKIP.match(url):
            continue
        seen.add(url)
        response = client.get(url)
        text = _content(response)
        if needle in text:
            leaks.append(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(link.replace("&amp;", "&") for link in HREF.findall(text) if link not in seen)
    return leaks


@pytest.fixture
def world(alice: Any, bob: Any, carol: Any, dan: Any, eve: Any, alice_bob: Any, carol_dan: Any) -> dict[str, Any]:
    now = timezone.now()
    held = make_session(alice_bob, at=now - dt.timedelta(days=7), status=Session.Status.HELD)
    upcoming = make_session(alice_bob, at=now + dt.timedelta(days=7))
    make_session(carol_dan, at=now + dt.timedelta(days=3))
    homework = make_homework(alice_bob, agreed_in=held)
    make_progress(homework, note="progress note")
    with_exercise = exercise_propose(
        exercise=Exercise.objects.get(slug="values", owner=None), engagement=alice_bob, by=alice
    )
    make_progress(with_exercise, answers={"missing": "an answer"})
    entries = [
        JournalEntry.objects.create(client=bob, title=f"{CANARY} title", body="text", homework=homework),
        JournalEntry.objects.create(client=bob, body=f"My body {CANARY}", prompt=f"prompt {CANARY}"),
        JournalEntry.objects.create(client=bob, body="plain", tags=f"{CANARY.lower()}, tag"),
    ]
    EntryDraft.objects.create(client=bob, entry=None, body=f"draft {CANARY}")
    EntryDraft.objects.create(client=bob, entry=entries[2], body=f"edit draft {CANARY}")
    block = ThinkingTimeBlock.objects.create(client=bob, start_time=dt.time(9), note="garden")
    ids = sorted(
        {alice_bob.pk, carol_dan.pk, held.pk, upcoming.pk, homework.pk, with_exercise.pk, block.pk}
        | {entry.pk for entry in entries}
        | set(Exercise.objects.values_list("pk", flat=True)[:2])
    )
    return {"entries": entries, "ids": ids, "engagement": alice_bob, "people": (alice, carol, dan, eve)}


def test_an_unshared_entry_reaches_no_one_but_its_client(client: Any, bob: Any, world: dict[str, Any]) -> None:
    urls = reachable_urls(world["ids"])
    assert len(urls) > 100  # the sweep really covers the site
    assert any(url.startswith("/api/v1/") for url in urls)
    for person in world["people"]:
        sign_in(client, person)
        for needle in (CANARY, CANARY.lower()):
            assert sweep(client, urls, needle) == [], f"{person} sees an unshared entry"
    client.force_login(bob)  # the canary is really there to be found
    assert CANARY in _content(client.get(reverse("notebook")))


def test_sharing_shows_the_entry_to_that_coach_only_and_unsharing_takes_it_back(
    client: Any, alice: Any, bob: Any, carol: Any, dan: Any, world: dict[str, Any]
) -> None:
    entry, engagement = world["entries"][1], world["engagement"]
    entry.share(engagement)
    coach_pages = [reverse("engagement", args=[engagement.pk]), reverse("shared_entries", args=[engagement.pk])]
    client.force_login(alice)
    assert CANARY in _content(client.get(reverse("shared_entries", args=[engagement.pk])))
    assert CANARY in _content(client.get(entry.get_absolute_url()))
    assert entry.get_absolute_url() in _content(client.get(coach_pages[0]))
    urls = reachable_urls(world["ids"])
    for person in (carol, dan):
        sign_in(client, person)
        assert sweep(client, urls, CANARY) == []
    entry.unshare()
    sign_in(client, alice)
    assert sweep(client, urls, CANARY) == []
