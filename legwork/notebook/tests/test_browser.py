"""In a real browser: hostile text renders inert, drafts survive a closed tab, the pages pass axe."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_session
from legwork.coaching.models import Session
from legwork.exercises.models import Exercise
from legwork.exercises.services import answers_save, exercise_propose
from legwork.notebook.models import EntryDraft, JournalEntry, ThinkingTimeBlock

from .payloads import PAYLOADS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE_FIELDS = [
    {"name": "short", "label": "Short", "type": "short_text"},
    {"name": "long", "label": "Long", "type": "long_text"},
    {"name": "items", "label": "Items", "type": "list"},
    {
        "name": "rows",
        "label": "Rows",
        "type": "group",
        "fields": [
            {"name": "what", "label": "What", "type": "short_text"},
            {"name": "why", "label": "Why", "type": "long_text"},
        ],
    },
]


def assert_inert(tab: Any) -> None:
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.evaluate("() => window.__pwned") is None
    # No script element carries a payload (the page's own scripts never mention __pwned).
    planted = "els => els.filter(e => (e.textContent + (e.src || '')).includes('pwned')).length"
    assert tab.page.locator("script").evaluate_all(planted) == 0
    # In the page's content: the top bar's icons (legwork/lib/icons.py) are the site's own SVG, not an entry's.
    injected = "main :is([onerror], [onload], [onclick], [onfocus], img, svg, iframe, object, embed)"
    assert tab.page.locator(injected).count() == 0
    assert tab.page.locator("[onerror], [onload], [onclick], [onfocus], img, iframe, object, embed").count() == 0


def test_hostile_entries_and_answers_render_inert(open_browser: Any, alice: Any, bob: Any, alice_bob: Any) -> None:
    for payload in PAYLOADS:
        JournalEntry.objects.create(client=bob, title=payload[:200], body=payload, tags=payload[:300]).share(alice_bob)
    everything = JournalEntry.objects.create(client=bob, title="all of them", body="\n\n".join(PAYLOADS))
    everything.share(alice_bob)
    EntryDraft.objects.create(client=bob, entry=everything, body="\n".join(PAYLOADS))
    exercise = Exercise.objects.create(owner=alice, slug="hostile", title="Hostile", fields=HOSTILE_FIELDS)
    homework = exercise_propose(exercise=exercise, engagement=alice_bob, by=alice)
    homework.confirm()
    answers_save(
        homework=homework,
        by=bob,
        answers={
            "short": PAYLOADS[0],
            "long": "\n\n".join(PAYLOADS),
            "items": PAYLOADS,
            "rows": [{"what": payload, "why": payload} for payload in PAYLOADS],
        },
    )

    client_tab = open_browser("client")
    client_tab.sign_in(bob.email)
    for path in (
        "/notebook/",
        f"/notebook/{everything.pk}/",
        f"/notebook/{everything.pk}/edit/",
        f"/engagements/{alice_bob.pk}/notebook/",
        f"/homework/{homework.pk}/",
        f"/homework/{homework.pk}/exercise/",
    ):
        client_tab.page.goto(path)
        assert_inert(client_tab)
    # The edit form really holds the hostile text, as text.
    client_tab.page.goto(f"/notebook/{everything.pk}/edit/")
    assert client_tab.page.input_value("#id_body") == "\n".join(PAYLOADS)
    # Saving the answer form with everything in it (and a broken date) re-renders it, still inert.
    client_tab.page.goto(f"/homework/{homework.pk}/exercise/")
    client_tab.page.click("text=Save my answers")
    assert_inert(client_tab)

    coach_tab = open_browser("coach")
    coach_tab.sign_in(alice.email)
    for path in (f"/engagements/{alice_bob.pk}/notebook/", f"/notebook/{everything.pk}/", f"/homework/{homework.pk}/"):
        coach_tab.page.goto(path)
        assert_inert(coach_tab)
        coach_tab.page.mouse.move(200, 300)
    coach_tab.page.goto(f"/engagements/{alice_bob.pk}/notebook/")
    # Clicking a neutralised link goes nowhere harmful.
    links = coach_tab.page.locator(".markdown a")
    for index in range(min(links.count(), 10)):
        href = links.nth(index).get_attribute("href") or ""
        assert re.match(r"^(https?:|mailto:)", href), href
    coach_tab.screenshot("hostile-shared-entries")


def test_a_draft_saves_itself_and_survives_a_closed_tab(open_browser: Any, bob: Any) -> None:
    tab = open_browser("client")
    tab.sign_in(bob.email)
    tab.page.goto("/notebook/new/")
    tab.page.fill("#id_title", "Thinking about Acme")
    tab.page.locator("#id_body").press_sequentially("The interview went better than I feared")
    saved = tab.page.locator("#saved-status")
    saved.filter(has_text=re.compile(r"Saved \d\d:\d\d")).wait_for(timeout=10_000)
    assert EntryDraft.objects.get(client=bob, entry=None).body == "The interview went better than I feared"
    # Typing and closing at once: the beacon on pagehide keeps the last words.
    tab.page.locator("#id_body").press_sequentially(", and I said so.")
    tab.page.close(run_before_unload=True)
    tab.page = tab.context.new_page()
    tab.page.goto("/notebook/new/")
    tab.page.get_by_text("Restored what you typed").wait_for()
    assert tab.page.input_value("#id_body") == "The interview went better than I feared, and I said so."
    tab.assert_accessible()
    tab.screenshot("entry-form-restored")
    tab.page.click("button:text('Save')")
    tab.page.get_by_role("heading", name="Thinking about Acme").wait_for()
    assert not EntryDraft.objects.exists()


def test_the_notebook_pages_are_accessible(open_browser: Any, alice: Any, bob: Any, alice_bob: Any) -> None:
    now = timezone.now()
    make_session(alice_bob, at=now - dt.timedelta(days=10), status=Session.Status.HELD)
    entry = JournalEntry.objects.create(client=bob, title="After the session", body="I *felt* lighter.", tags="energy")
    JournalEntry.objects.create(client=bob, title="Shared thought", body="- one\n- two").share(alice_bob)
    ThinkingTimeBlock.objects.create(
        client=bob,
        start_time=dt.time(9),
        note="garden, strong coffee",
        timezone="Europe/London",
        created_at=now - dt.timedelta(days=30),
    )
    tab = open_browser("client")
    tab.sign_in(bob.email)
    for path, label in (
        ("/notebook/", "notebook"),
        (f"/notebook/{entry.pk}/", "entry"),
        ("/thinking-time/", "thinking-time"),
        ("/today/", "client-home"),
    ):
        tab.page.goto(path)
        tab.assert_accessible()
        tab.screenshot(label)
    # Mark the latest occurrence taken, in place.
    tab.page.goto("/thinking-time/")
    first = tab.page.locator(".occurrence").first
    first.locator("input[name=note]").fill("coffee helped")
    first.locator("button[value=taken]").click()
    tab.page.locator(".occurrence").first.locator(".badge", has_text="Taken").wait_for()
    assert "coffee helped" in tab.page.locator(".occurrence").first.inner_text()
    coach = open_browser("coach")
    coach.sign_in(alice.email)
    coach.page.goto(f"/engagements/{alice_bob.pk}/")
    assert coach.page.get_by_text("Shared thought").is_visible()
    assert coach.page.get_by_text("After the session").count() == 0
    coach.assert_accessible()
    coach.screenshot("engagement-with-shared")
