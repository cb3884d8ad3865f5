"""A handover in a real browser: the admin moves Bob from Alice to Frank; Bob is told in his inbox and
says no, then (asked again) yes; Frank then sees the agreed homework, its outcomes and the session
dates, but not the entry Bob shared with Alice, until Bob shares it again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_homework, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, Outcome
from legwork.notebook.models import JournalEntry
from legwork.practice.models import Handover
from legwork.practice.services import practice_of
from legwork.reminders.dispatch import reminders_dispatch
from legwork.reminders.models import OutboxMessage, Preferences

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARED = "What I never told my last boss"


@pytest.fixture
def history(alice: User, bob: User, alice_bob: Engagement) -> dict[str, Any]:
    now = timezone.now()
    held = make_session(alice_bob, at=now - dt.timedelta(days=14), status="held", private_notes="Alice's own")
    make_homework(
        alice_bob,
        "Call Dana at Acme",
        agreed_in=held,
        status=Homework.Status.CONFIRMED,
        outcome=Outcome.DONE,
        reviewed_at=now - dt.timedelta(days=1),
    )
    make_homework(alice_bob, "Rewrite the first paragraph of my CV", agreed_in=held, status=Homework.Status.CONFIRMED)
    upcoming = make_session(alice_bob, at=now + dt.timedelta(days=7))
    entry = JournalEntry.objects.create(client=bob, title="For Alice", body=SHARED)
    entry.share(alice_bob)
    return {"held": held, "upcoming": upcoming, "entry": entry}


def propose(admin: Any, alice: User, bob: User, note: str) -> None:
    """The admin, from the practice's page: Alice's page, Bob's row, Frank, a word to Bob."""
    admin.page.goto("/practice/")
    admin.page.get_by_role("link", name="Alice Coach").click()
    admin.page.get_by_role("row", name=bob.display_name).get_by_role("link", name="Hand over…").click()
    admin.page.get_by_label("Hand over to").select_option(label="Frank Coach")
    admin.page.get_by_label("A word to the client").fill(note)
    admin.page.get_by_role("button", name=f"Ask {bob.display_name}").click()
    admin.page.wait_for_load_state("networkidle")


def open_from_inbox(client: Any) -> None:
    """Bob is told: the worker puts the question in his inbox (and his email); he opens it."""
    reminders_dispatch()
    client.page.goto("/reminders/")
    link = client.page.get_by_role("link", name="Frank Coach as your coach? Your practice asks").first
    assert link.is_visible()
    client.assert_accessible()
    client.screenshot("inbox-unread")
    # Opening it (a click, as Bob would) marks it read and goes to the question.
    link.click()
    client.page.wait_for_load_state("networkidle")


def test_the_admin_hands_a_client_over_and_the_client_decides(
    open_browser: Any,
    alice: User,
    bob: User,
    olive: User,
    frank: User,
    alice_bob: Engagement,
    history: dict[str, Any],
) -> None:
    # The question reaches Bob's inbox now, whatever the hour CI runs at (quiet hours would hold it till morning).
    Preferences.objects.update_or_create(user=bob, defaults={"quiet_from": 0, "quiet_until": 0})
    admin, client, new_coach = open_browser("admin"), open_browser("client"), open_browser("new-coach")
    admin.sign_in(olive.email)
    client.sign_in(bob.email)
    new_coach.sign_in(frank.email)
    assert practice_of(frank).practice == practice_of(alice).practice

    # The admin proposes; nothing moves yet, and Bob can say no.
    propose(admin, alice, bob, "Alice is leaving the service in June.")
    assert admin.page.get_by_text("Frank Coach").first.is_visible()
    open_from_inbox(client)
    assert client.page.get_by_role("heading", name="A new coach?").is_visible()
    assert client.page.get_by_text("Alice is leaving the service in June.").is_visible()
    assert client.page.get_by_text("are not shown to Frank Coach").is_visible()
    client.assert_accessible()
    client.page.get_by_role("button", name="No, I'd rather not").click()
    client.page.wait_for_load_state("networkidle")
    assert client.page.get_by_text("Nothing changed: Alice Coach stays your coach").is_visible()
    alice_bob.refresh_from_db()
    assert alice_bob.coach_id == alice.pk
    assert new_coach.page.goto(f"/engagements/{alice_bob.pk}/").status == 404

    # Asked again, Bob says yes.
    propose(admin, alice, bob, "Frank knows the sector well.")
    open_from_inbox(client)
    client.page.get_by_role("button", name="Yes, move me to Frank Coach").click()
    client.page.wait_for_load_state("networkidle")
    assert client.page.get_by_text("Frank Coach is your coach.").is_visible()
    assert Handover.objects.filter(status="accepted").count() == 1
    # Told by email too: the worker queued it in the outbox, with the question's title and no word of the note.
    emails = OutboxMessage.objects.filter(to=bob.email, subject__contains="Frank Coach")
    assert emails.exists()
    assert not any("leaving" in email.text for email in emails)

    # Frank sees the history of what was agreed, its outcomes and the session dates...
    new_coach.page.goto(f"/engagements/{alice_bob.pk}/")
    page = new_coach.page.content()
    assert "Call Dana at Acme" in page
    assert "Rewrite the first paragraph of my CV" in page
    held, upcoming = history["held"], history["upcoming"]
    for session in (held, upcoming):
        day = timezone.localtime(session.scheduled_at).strftime("%-d %b")
        assert day in page, day
    new_coach.page.goto(f"/homework/{Homework.objects.get(title='Call Dana at Acme').pk}/")
    assert new_coach.page.get_by_text("Done", exact=True).first.is_visible()
    # ...but not what Bob shared with Alice, nor Alice's private notes; Alice herself is out.
    for url in (f"/engagements/{alice_bob.pk}/", f"/engagements/{alice_bob.pk}/notebook/", f"/sessions/{held.pk}/"):
        new_coach.page.goto(url)
        assert SHARED not in new_coach.page.content(), url
        assert "Alice's own" not in new_coach.page.content(), url
    assert new_coach.page.goto(history["entry"].get_absolute_url()).status == 404
    new_coach.assert_accessible()
    old = open_browser("old-coach")
    old.sign_in(alice.email)
    assert old.page.goto(f"/engagements/{alice_bob.pk}/").status == 404

    # Until Bob shares the entry again, with his new coach.
    client.page.goto(history["entry"].get_absolute_url())
    assert client.page.get_by_text("Only you.").is_visible()
    client.page.get_by_role("button", name="Share this entry").click()
    client.page.wait_for_load_state("networkidle")
    assert client.page.get_by_text("Shared with Frank Coach since").is_visible()
    new_coach.page.goto(f"/engagements/{alice_bob.pk}/notebook/")
    assert SHARED in new_coach.page.content()
