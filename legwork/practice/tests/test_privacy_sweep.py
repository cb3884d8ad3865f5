"""The privacy sweep with the practice's people: olive (an admin of alice's practice) and frank (a second
coach of it) probe every page, API endpoint, feed and export, and find none of bob's words.

Bob's engagement with alice holds every kind of client content, each carrying its own canary: journal
entries (private, and one shared with alice), session notes (shared and private), an agenda point, a
goal, homework, progress, exercise answers, a reflection, a thread, acknowledgements, ratings and a
check-in scale with answers. Olive and frank sign in (pages and an API token), request every URL the
URLconf reverses with the ids of everything in play, follow every same-site link the pages show, and
read their own calendar feeds and exports: no canary may appear. DESIGN.md's rules: a coach sees only
their own engagements, so being in the practice opens nothing; the admin sees counts (and which
coaches and clients there are, to hand a client over), never content.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_engagement, make_homework, make_progress, make_session, make_user
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Goal, Session
from legwork.conversation.services import acknowledge, thread_post
from legwork.exercises.models import Exercise
from legwork.exercises.services import exercise_propose
from legwork.homework.models import Homework, Outcome
from legwork.insights.models import Reflection
from legwork.notebook.models import JournalEntry
from legwork.notebook.tests.test_privacy import HREF, SKIP, _content, reachable_urls, sign_in
from legwork.practice.services import practice_of
from legwork.quality.models import CheckInAnswer, CheckInScale, QualityRating, Role
from legwork.reminders.services import feed_regenerate

pytestmark = pytest.mark.django_db

CANARIES = {
    "journal, private": "canary-journal-private-a1",
    "journal, shared with alice": "canary-journal-shared-a2",
    "session notes": "canary-shared-notes-a3",
    "private notes": "canary-private-notes-a4",
    "agenda": "canary-agenda-a5",
    "goal": "canary-goal-a6",
    "homework": "canary-homework-a7",
    "progress": "canary-progress-a8",
    "exercise answers": "canary-answers-a9",
    "reflection": "canary-reflection-b1",
    "thread": "canary-thread-b2",
    "acknowledgement": "canary-seen-b3",
    "rating": "canary-rating-b4",
    "check-in scale": "canary-scale-b5",
}


@pytest.fixture
def full(alice: User, bob: User, alice_bob: Engagement) -> list[int]:
    """Bob's engagement with every kind of content; returns the ids of everything in it."""
    now = timezone.now()
    goal = Goal.objects.create(engagement=alice_bob, title=CANARIES["goal"])
    held = make_session(
        alice_bob,
        at=now - dt.timedelta(days=7),
        status=Session.Status.HELD,
        shared_notes=CANARIES["session notes"],
        private_notes=CANARIES["private notes"],
    )
    upcoming = make_session(alice_bob, at=now + dt.timedelta(days=7))
    homework = make_homework(
        alice_bob, title=CANARIES["homework"], agreed_in=held, goal=goal, status=Homework.Status.CONFIRMED
    )
    progress = make_progress(homework, note=CANARIES["progress"])
    acknowledge(by=alice, entry=progress, word=CANARIES["acknowledgement"])
    thread_post(homework=homework, by=bob, body=CANARIES["thread"])
    values = exercise_propose(exercise=Exercise.objects.get(slug="values", owner=None), engagement=alice_bob, by=alice)
    make_progress(values, answers={"story": CANARIES["exercise answers"]})
    reviewed = make_homework(
        alice_bob, title="Reviewed", agreed_in=held, outcome=Outcome.DONE, reviewed_at=now, reviewed_in=held
    )
    for role, by in ((Role.CLIENT, bob), (Role.COACH, alice)):
        QualityRating.objects.create(
            homework=reviewed, engagement=alice_bob, role=role, rated_by=by, how_well=3, usefulness=3,
            word=CANARIES["rating"],
        )  # fmt: skip
    reflection = Reflection.objects.create(session=upcoming, what_i_did=CANARIES["reflection"])
    agenda = AgendaItem.objects.create(engagement=alice_bob, text=CANARIES["agenda"])
    scale = CheckInScale.objects.create(
        engagement=alice_bob, question=CANARIES["check-in scale"], low_label="low", high_label="high"
    )
    CheckInAnswer.objects.create(scale=scale, session=upcoming, value=7)
    private = JournalEntry.objects.create(client=bob, title="Mine", body=CANARIES["journal, private"])
    shared = JournalEntry.objects.create(client=bob, title="For Alice", body=CANARIES["journal, shared with alice"])
    shared.share(alice_bob)
    return [
        alice_bob.pk,
        goal.pk,
        held.pk,
        upcoming.pk,
        homework.pk,
        progress.pk,
        values.pk,
        reviewed.pk,
        reflection.pk,
        agenda.pk,
        scale.pk,
        private.pk,
        shared.pk,
        practice_of(alice).pk,
    ]


def leaks(client: Any, urls: list[str]) -> dict[str, list[str]]:
    """GET every URL and every same-site link the pages show; the canaries each one shows."""
    seen: set[str] = set()
    queue, found = list(urls), {}
    while queue and len(seen) < 2000:
        url = queue.pop()
        if url in seen or SKIP.match(url):
            continue
        seen.add(url)
        response = client.get(url)
        text = _content(response)
        shown = [kind for kind, canary in CANARIES.items() if canary in text]
        if shown:
            found[url] = shown
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            queue.extend(link.replace("&amp;", "&") for link in HREF.findall(text) if link not in seen)
    assert len(seen) > 150, "the sweep really covers the site"
    return found


def own_feed_and_exports(person: User) -> list[str]:
    """The person's own calendar feed and exports: what they can take away must not carry bob either."""
    return [
        reverse("calendar_feed_ics", args=[feed_regenerate(user=person)]),
        reverse("export_json"),
        reverse("export_archive"),
    ]


@pytest.mark.parametrize("who", ["olive", "frank"])
def test_the_practices_admin_and_second_coach_find_no_client_content_anywhere(
    client: Any, full: list[int], olive: User, frank: User, dan: User, who: str
) -> None:
    person = {"olive": olive, "frank": frank}[who]
    # Each has a client of their own, so their own pages are full too, not empty shells.
    own = make_engagement(person, make_user(f"client-of-{who}@example.com"))
    make_session(own, at=timezone.now() + dt.timedelta(days=2))
    sign_in(client, person)
    urls = reachable_urls(sorted({*full, own.pk}))
    assert any(url.startswith("/api/v1/") for url in urls)
    urls += own_feed_and_exports(person)
    assert leaks(client, urls) == {}, f"{who} sees client content"


def test_the_same_sweep_finds_the_canaries_where_the_rules_allow_them(
    client: Any, full: list[int], alice: User, bob: User
) -> None:
    """The sweep reaches every canary when it may: alice (the coach) finds all but bob's private journal
    entry, bob everything of his own but alice's private notes. Had a gate opened to olive or frank,
    the sweep above would have walked to it."""
    sign_in(client, alice)
    found = {kind for kinds in leaks(client, reachable_urls(full)).values() for kind in kinds}
    assert found == set(CANARIES) - {"journal, private"}
    sign_in(client, bob)
    found = {kind for kinds in leaks(client, reachable_urls(full)).values() for kind in kinds}
    assert found == set(CANARIES) - {"private notes"}


def test_the_admin_sees_the_practices_counts_and_the_second_coach_does_not(
    full: list[int], alice: User, olive: User, frank: User
) -> None:
    """What DESIGN.md allows the admin: aggregates (and who the coaches and their clients are, to hand
    one over); a coach of the practice sees only who its admins are."""
    admin, colleague = Client(), Client()
    admin.force_login(olive)
    colleague.force_login(frank)
    roster = admin.get("/practice/")
    assert roster.status_code == 200
    counts = {row.user_id: row for row in roster.context["coaches"]}
    assert (counts[alice.pk].clients, counts[alice.pk].sessions_held, counts[alice.pk].homework_agreed) == (1, 1, 3)
    assert roster.context["follow_through"].reviewed == 1
    page = roster.content.decode()
    assert "Alice Coach" in page
    assert "Sessions held" in page
    alice_page = admin.get(f"/practice/coaches/{full[-1]}/").content.decode()
    assert "Bob Client" in alice_page  # a name, to hand him over: never what he wrote
    page = colleague.get("/practice/").content.decode()
    assert "Olive Admin" in page
    assert "Sessions held" not in page
    assert colleague.get(f"/practice/coaches/{full[-1]}/").status_code == 404
