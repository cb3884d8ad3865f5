"""A client's state in words: paused, new, stuck, cramming, quiet and steady read differently."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from legwork.coaching.demo import COACH_EMAIL, build_demo_practice
from legwork.coaching.models import Session
from legwork.insights.metrics import StalledItem, client_state, is_cramming
from legwork.insights.pages import overview_rows

STALLED = [StalledItem(title="Send the application", carried_over=False)]
AGAIN = [StalledItem(title="Send the application", carried_over=True)]
CRAMMED = [(3, 4), (2, 3), (4, 4)]
SPREAD = [(1, 5), (0, 4), (1, 6)]


def state(**facts: object) -> str:
    defaults: dict[str, object] = {
        "name": "Priya",
        "paused": False,
        "sessions_held": 5,
        "stalled": [],
        "written_since_last_session": True,
        "recent": SPREAD,
    }
    return client_state(**{**defaults, **facts}).state  # type: ignore[arg-type]


def test_it_tells_each_state_apart_with_hand_made_cases() -> None:
    assert state() == "steady"
    assert state(written_since_last_session=False) == "quiet"
    assert state(stalled=STALLED, written_since_last_session=False) == "stuck"
    assert state(recent=CRAMMED) == "cramming"
    # A crammer's untouched homework is their usual pattern, unless it has been carried over before.
    assert state(recent=CRAMMED, stalled=STALLED, written_since_last_session=False) == "cramming"
    assert state(recent=CRAMMED, stalled=AGAIN) == "stuck"
    # Paused and new come first: neither has a pattern to judge, stalled or not.
    assert state(paused=True, stalled=AGAIN, written_since_last_session=False) == "paused"
    assert state(sessions_held=1, stalled=STALLED, written_since_last_session=False) == "new"
    assert state(sessions_held=0, written_since_last_session=False) == "new"


def test_it_needs_two_intervals_with_work_to_call_it_cramming() -> None:
    assert not is_cramming([(3, 3)])
    assert not is_cramming([(0, 0), (0, 0), (3, 3)])
    assert is_cramming([(0, 0), (2, 2), (3, 3)])
    assert not is_cramming([(1, 4), (2, 4)])
    assert is_cramming([(2, 4), (2, 4)])  # half counts


def test_it_names_the_crammer_pattern_and_the_stuck_item_in_words() -> None:
    crammer = client_state(
        name="Priya", paused=False, sessions_held=8, stalled=[], written_since_last_session=False, recent=CRAMMED
    )
    assert "Most of Priya's work lands in the last 24 hours before a session (9 of 11 entries" in crammer.text
    assert "Nothing logged yet this interval" in crammer.text
    stuck = client_state(
        name="Jordan", paused=False, sessions_held=8, stalled=AGAIN, written_since_last_session=True, recent=SPREAD
    )
    assert "“Send the application”" in stuck.text
    assert "carried over before" in stuck.text


@pytest.mark.django_db
def test_the_demo_clients_each_read_as_their_own_state_on_the_overview_and_the_brief() -> None:
    practice = build_demo_practice()
    states = {row.engagement.client.display_name: row.state.state for row in overview_rows(practice.coach)}
    assert states == {
        "Sam Okafor": "steady",
        "Priya Shah": "cramming",
        "Jordan Reyes": "stuck",
        "Lee Chen": "new",
        "Maya Novak": "paused",
    }
    coach = Client()
    assert coach.login(email=COACH_EMAIL, password="legwork-demo")
    page = unescape(coach.get(reverse("coach_overview")).content.decode())
    assert page.count(">Stuck</span>") == 1
    assert "Most of Priya's work lands in the last 24 hours before a session" in page
    assert coach.get(reverse("coach_overview"), {"stuck": "on"}).content.decode().count("badge state ") == 1
    upcoming = practice.engagements["crammer"].sessions.filter(status=Session.Status.SCHEDULED).get()
    brief = unescape(coach.get(reverse("brief", args=[upcoming.pk])).content.decode())
    assert "The story so far" in brief
    assert "Most of Priya's work lands in the last 24 hours" in brief


@pytest.mark.django_db
def test_the_stuck_clients_own_insights_name_the_stuck_item_kindly() -> None:
    practice = build_demo_practice()
    jordan = practice.engagements["stuck"].client
    client = Client()
    assert client.login(email=jordan.email, password="legwork-demo")
    page = unescape(client.get(reverse("my_insights")).content.decode())
    stuck = practice.engagements["stuck"].homework.filter(outcome="").get(carried_from__isnull=False)
    # Untouched, or started and then left: either way it is named, in words that do not blame.
    named = rf"“{re.escape(stuck.title)}” (hasn't moved for a while|went a long while without a step logged)"
    assert re.search(named, page)
    assert "worth bringing to your next session" in page


def test_a_new_clients_story_tells_not_started_from_slow_to_start() -> None:
    """A homework that stalled and then moved is not "not started": the brief said so of Lee's."""
    items = [
        StalledItem(title="Notice when I lose track of time", carried_over=False, started=True),
        StalledItem(title="Fill in the worksheet", carried_over=False, started=False),
    ]
    new = client_state(
        name="Lee", paused=False, sessions_held=1, stalled=items, written_since_last_session=True, recent=[]
    )
    assert new.state == "new"
    assert new.text == (
        "Lee is in their first interval: too early for a pattern. Not started yet: “Fill in the worksheet”."
        " “Notice when I lose track of time” waited a long while for a first step."
    )
    quiet = client_state(
        name="Lee", paused=False, sessions_held=1, stalled=[], written_since_last_session=False, recent=[]
    )
    assert quiet.text.endswith("Nothing logged since the last session.")
