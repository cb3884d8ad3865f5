"""On a train with no signal: two entries, a journal draft and thinking time logged offline reach the server once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_homework
from legwork.homework.models import ProgressEntry
from legwork.notebook.models import JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence
from legwork.phone.models import OfflineItem

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


# How many items wait in this browser's offline queue.
QUEUED = """new Promise((resolve) => {
  const request = indexedDB.open("legwork-offline");
  request.onsuccess = () => {
    const count = request.result.transaction("items").objectStore("items").count();
    count.onsuccess = () => resolve(count.result);
  };
})"""


def controlled(page: Any) -> None:
    """Wait for the service worker, then reload so it controls (and caches) the page."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    # Polled from here: wait_for_function compiles its predicate in the page, which the CSP forbids.
    for _ in range(100):
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def sign_out(page: Any) -> None:
    """Press Sign out, in the top bar's menu (a <details>, closed until opened)."""
    menu = page.locator("header details.menu")
    if menu.count() and not menu.evaluate("menu => menu.open"):
        menu.locator("summary").click()
    page.click("header button:has-text('Sign out')")


def test_two_entries_a_draft_and_thinking_time_written_offline_arrive_once(open_browser: Any, alice_bob: Any) -> None:
    homework = make_homework(alice_bob, status="confirmed")
    block = ThinkingTimeBlock.objects.create(
        client=alice_bob.client,
        rrule="FREQ=DAILY",
        start_time=dt.time(6),
        timezone="Europe/London",
        created_at=timezone.now() - dt.timedelta(days=10),
    )
    tab = open_browser("client-offline")
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    tab.sign_in(alice_bob.client.email)
    page.goto("/")
    controlled(page)
    page.goto("/notebook/new/")  # seen once with a connection, so it opens offline
    page.goto("/thinking-time/")
    page.goto("/")

    tab.context.set_offline(True)
    page.fill(f"#note-{homework.pk}", "Rewrote the first paragraph")
    page.click(f"#homework-{homework.pk} button:has-text('Log progress')")
    page.wait_for_selector("#phone-pending li")
    page.click(f"#homework-{homework.pk} button:has-text('15 min')")
    expect(page.locator("#phone-pending li")).to_have_count(2)
    assert page.locator("#offline-banner").is_visible()
    tab.screenshot("waiting-to-send")

    page.goto("/notebook/new/")  # from the service worker's cache
    page.fill("input[name=title]", "Between stations")
    page.fill("textarea[name=body]", "What I actually enjoy about the work")
    page.click("#entry-form button[type=submit]")
    page.wait_for_selector("#phone-pending li")
    assert ProgressEntry.objects.count() == 0
    assert page.evaluate(QUEUED) == 3

    page.goto("/thinking-time/")  # from the cache too: mark the latest block taken
    row = page.locator(".occurrence").first
    row.locator("input[name=note]").fill("Walked by the river")
    row.locator("button:has-text('Taken')").click()
    expect(page.locator("#phone-pending li")).to_have_count(4)
    assert page.evaluate(QUEUED) == 4
    assert not ThinkingTimeOccurrence.objects.exists()

    tab.context.set_offline(False)
    page.wait_for_selector(".phone-sent")
    page.goto("/")  # a second look syncs again: nothing is left to send, nothing arrives twice
    page.wait_for_load_state("networkidle")
    tab.screenshot("home-after-sync")

    entries = list(ProgressEntry.objects.filter(homework=homework).order_by("written_at"))
    assert [(e.note, e.minutes) for e in entries] == [("Rewrote the first paragraph", None), ("", 15)]
    assert JournalEntry.objects.filter(client=alice_bob.client, title="Between stations").count() == 1
    mark = ThinkingTimeOccurrence.objects.get(block=block)
    assert (mark.status, mark.note) == ("taken", "Walked by the river")
    assert OfflineItem.objects.count() == 4
    tab.assert_accessible()

    # Signing out leaves nothing private in this browser for the next person.
    page.click("header summary")  # the top bar's menu holds sign-out
    sign_out(page)
    page.wait_for_selector("header a:has-text('Sign in')")
    assert page.evaluate("caches.keys().then(keys => keys.length)") == 0
    assert page.evaluate("indexedDB.databases().then(list => list.map(db => db.name))") == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(list => list.length)") == 0
    page.goto("/")
    assert homework.title not in page.content()
