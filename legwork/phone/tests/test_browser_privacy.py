"""A shared phone keeps nothing private for the next person: the privacy sweep of the service worker's cache.

One client signs in, opens their pages (so the worker keeps copies of them) and leaves an item in the
offline queue; signs out; every cache is gone or empty, the queue's database is gone, no worker is left.
Both ways of clearing are tried alone: phone.js on the sign-out button, and the server's
Clear-Site-Data header (for a browser where the script did not run). A second person then signs in on
the same browser, and offline finds none of the first one's pages, only their own. Signed out from
another device, the phone's next page clears the copies too.
"""

from __future__ import annotations

from typing import Any

import pytest
from allauth.usersessions.models import UserSession

from conftest import make_homework
from legwork.homework.models import Homework
from legwork.notebook.models import JournalEntry

from .test_browser_offline import controlled, sign_out

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

CANARY = "CANARY-7f3a91"  # in each of the first client's private things: found anywhere after, it leaked

# Every response kept in any cache of this origin, as text: what the next person could be shown offline.
CACHED_TEXT = """(async () => {
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      found.push({ cache: name, url: request.url, text: await (await cache.match(request)).text() });
    }
  }
  return found;
})()"""
CACHE_SIZES = """(async () => {
  const sizes = [];
  for (const name of await caches.keys()) sizes.push((await (await caches.open(name)).keys()).length);
  return sizes;
})()"""
DATABASES = "indexedDB.databases().then((list) => list.map((db) => db.name))"
WORKERS = "navigator.serviceWorker.getRegistrations().then((list) => list.length)"
QUEUE = """new Promise((resolve) => {
  const request = indexedDB.open("legwork-offline");
  request.onsuccess = () => {
    const all = request.result.transaction("items").objectStore("items").getAll();
    all.onsuccess = () => resolve(all.result);
  };
})"""


def private_world(engagement: Any) -> tuple[Homework, JournalEntry]:
    homework = make_homework(engagement, title=f"Call the recruiter {CANARY}", status="confirmed")
    entry = JournalEntry.objects.create(client=engagement.client, title=f"Doubts {CANARY}", body=f"About {CANARY}")
    return homework, entry


def open_offline(page: Any, path: str) -> str:
    """The page at `path` with no connection: the worker's copy, its offline page, or the browser's error."""
    try:
        page.goto(path)
    except Exception:  # net::ERR_INTERNET_DISCONNECTED: no worker, nothing kept
        return ""
    return str(page.content())


def leaves_pages_in_the_cache(tab: Any, homework: Homework, entry: JournalEntry) -> list[str]:
    page = tab.page
    page.goto("/")
    controlled(page)
    paths = ["/", f"/homework/{homework.pk}/", "/notebook/", f"/notebook/{entry.pk}/"]
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    cached = page.evaluate(CACHED_TEXT)
    assert sum(CANARY in item["text"] for item in cached) >= len(paths)  # the worker did keep them
    return paths


def leaves_an_item_in_the_queue(tab: Any, homework: Homework) -> None:
    """Written offline and refused when sent (the homework was reviewed meanwhile): it waits, with its reason."""
    page = tab.page
    page.goto("/")
    tab.context.set_offline(True)
    page.fill(f"#note-{homework.pk}", f"Left a message {CANARY}")
    page.click(f"#homework-{homework.pk} button:has-text('Log progress')")
    page.wait_for_selector("#phone-pending li")
    Homework.objects.filter(pk=homework.pk).update(outcome="done")
    tab.context.set_offline(False)
    page.wait_for_selector("#phone-pending .error")
    assert [CANARY in str(item["fields"]) for item in page.evaluate(QUEUE)] == [True]


def assert_nothing_private_left(page: Any) -> None:
    assert all(size == 0 for size in page.evaluate(CACHE_SIZES))  # every cache deleted (or, at worst, empty)
    assert not [item["url"] for item in page.evaluate(CACHED_TEXT) if CANARY in item["text"]]
    assert "legwork-offline" not in page.evaluate(DATABASES)
    assert page.evaluate(WORKERS) == 0


@pytest.mark.parametrize("cleared_by", ["phone.js", "Clear-Site-Data alone"])
def test_signing_out_leaves_no_private_page_or_item_for_the_next_person(
    open_browser: Any, alice_bob: Any, carol_dan: Any, cleared_by: str
) -> None:
    homework, entry = private_world(alice_bob)
    make_homework(carol_dan, title="Dan's own homework", status="confirmed")
    tab = open_browser("shared-phone")
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    tab.sign_in(alice_bob.client.email)
    paths = leaves_pages_in_the_cache(tab, homework, entry)
    leaves_an_item_in_the_queue(tab, homework)

    page.goto("/")
    if cleared_by == "phone.js":
        # With no connection, signing out waits: the sign-in is the server's, so nothing is wiped yet.
        tab.context.set_offline(True)
        sign_out(page)
        page.wait_for_selector("header form .phone-saved")
        assert "You're offline" in page.inner_text("header form .phone-saved")
        assert len(page.evaluate(QUEUE)) == 1
        tab.context.set_offline(False)
        page.goto("/")
        assert page.locator("header button:has-text('Sign out')").count() == 1  # still signed in, as it says
        # Something waits: the first press says so and keeps it; the second throws it away and signs out.
        sign_out(page)
        page.wait_for_selector("header form .phone-saved")
        assert "not sent yet" in page.inner_text("header form .phone-saved")
        sign_out(page)
    else:
        # As a browser where phone.js never ran: the plain form POST, and only the answer's header clears.
        page.eval_on_selector("form[action$='/accounts/logout/']", "form => { form.dataset.cleared = '1'; }")
        sign_out(page)
    page.wait_for_selector("header a:has-text('Sign in')")
    assert_nothing_private_left(page)

    tab.context.set_offline(True)
    for path in paths:
        assert CANARY not in open_offline(page, path)
    tab.context.set_offline(False)

    # The next person on the same browser: their own pages work offline, the first one's never appear.
    tab.sign_in(carol_dan.client.email)
    page.goto("/")
    controlled(page)
    page.goto("/notebook/")
    page.goto("/")
    page.wait_for_load_state("networkidle")
    tab.context.set_offline(True)
    assert "Dan's own homework" in open_offline(page, "/")  # the worker's copy of their own home
    for path in paths:
        assert CANARY not in open_offline(page, path)
    assert "You're offline" in open_offline(page, f"/homework/{homework.pk}/")  # never opened by this person
    assert not [item["url"] for item in page.evaluate(CACHED_TEXT) if CANARY in item["text"]]
    tab.context.set_offline(False)


def test_signed_out_from_another_device_the_phone_clears_its_copies_on_its_next_page(
    open_browser: Any, alice_bob: Any
) -> None:
    homework, entry = private_world(alice_bob)
    tab = open_browser("phone-signed-out-elsewhere")
    page = tab.page
    tab.sign_in(alice_bob.client.email)
    paths = leaves_pages_in_the_cache(tab, homework, entry)
    for session in UserSession.objects.filter(user=alice_bob.client):
        session.end()  # as "Sign out that device" on the laptop does
    page.goto("/")
    page.wait_for_selector("header a:has-text('Sign in')")  # this phone is signed out
    for _ in range(50):  # phone.js clears after the page has loaded
        if page.evaluate(WORKERS) == 0 and not page.evaluate(CACHE_SIZES):
            break
        page.wait_for_timeout(100)
    assert not [item["url"] for item in page.evaluate(CACHED_TEXT) if CANARY in item["text"]]
    assert page.evaluate(WORKERS) == 0
    tab.context.set_offline(True)
    for path in paths:
        assert CANARY not in open_offline(page, path)
    tab.context.set_offline(False)
