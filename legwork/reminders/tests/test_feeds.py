from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_homework, make_session
from legwork.notebook.models import JournalEntry, ThinkingTimeBlock
from legwork.reminders.models import CalendarFeed
from legwork.reminders.services import feed_regenerate

pytestmark = pytest.mark.django_db


def fetch(token: str) -> Any:
    return Client().get(reverse("calendar_feed_ics", args=[token]))


def events(response: Any) -> list[Any]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_it_serves_sessions_homework_and_thinking_time_with_minimal_detail(alice_bob: Any) -> None:
    bob = alice_bob.client
    make_session(alice_bob, agenda="AGENDA-SECRET", private_notes="PRIVATE-SECRET")
    make_homework(alice_bob, "Talk to Dana about UX research")
    ThinkingTimeBlock.objects.create(client=bob, start_time=dt.time(9), timezone="Europe/London", note="With coffee")
    JournalEntry.objects.create(client=bob, title="JOURNAL-TITLE", body="JOURNAL-BODY")
    response = fetch(feed_regenerate(user=bob))
    summaries = sorted(str(event["SUMMARY"]) for event in events(response))
    assert summaries == ["Coaching session", "Homework due", "Thinking time"]
    for secret in (b"AGENDA-SECRET", b"PRIVATE-SECRET", b"Dana", b"JOURNAL", b"coffee"):
        assert secret not in response.content


def test_it_shows_titles_only_when_the_person_chooses(alice_bob: Any) -> None:
    bob = alice_bob.client
    make_session(alice_bob)
    make_homework(alice_bob, "Talk to Dana")
    token = feed_regenerate(user=bob)
    CalendarFeed.objects.filter(user=bob).update(show_titles=True)
    summaries = sorted(str(event["SUMMARY"]) for event in events(fetch(token)))
    assert summaries == ["Coaching session with Alice Coach", "Homework due: Talk to Dana"]


def test_it_keeps_thinking_time_at_local_nine_across_dst_with_an_rrule_and_vtimezone(bob: Any) -> None:
    ThinkingTimeBlock.objects.create(
        client=bob, rrule="FREQ=WEEKLY;BYDAY=SA", start_time=dt.time(9), timezone="America/New_York"
    )
    response = fetch(feed_regenerate(user=bob))
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    rrule = event["RRULE"]
    assert isinstance(rrule, icalendar.vRecur)
    assert rrule["FREQ"] == ["WEEKLY"]
    assert rrule["BYDAY"] == ["SA"]
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART").time() == dt.time(9)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/New_York"
    assert {component.name for component in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


def test_it_makes_no_extra_event_from_a_title_with_line_breaks(alice_bob: Any) -> None:
    bob = alice_bob.client
    evil = "Ok\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injected\nDTSTART:20260101T000000Z"
    make_homework(alice_bob, evil)
    token = feed_regenerate(user=bob)
    CalendarFeed.objects.filter(user=bob).update(show_titles=True)
    response = fetch(token)
    found = events(response)
    assert len(found) == 1
    assert "\n" not in str(found[0]["SUMMARY"])
    assert "\r" not in str(found[0]["SUMMARY"])
    assert b"\r\nBEGIN:VEVENT\r\nSUMMARY:Injected" not in response.content
    assert response.content.split(b"\r\n").count(b"BEGIN:VEVENT") == 1  # the words stay text inside one summary


def test_it_stores_only_a_hash_and_stops_the_old_url_at_once(bob: Any) -> None:
    old = feed_regenerate(user=bob)
    assert len(old) >= 43  # 32 random bytes, base64: 256 bits
    assert old not in CalendarFeed.objects.get(user=bob).token_hash
    assert fetch(old).status_code == 200
    new = feed_regenerate(user=bob)
    assert fetch(old).status_code == 404
    assert fetch(new).status_code == 200
    assert CalendarFeed.objects.count() == 1


@pytest.mark.parametrize("token", ["nope", "x" * 43, "", "%00", "a/b"])
def test_it_answers_404_to_a_bad_token(bob: Any, token: str) -> None:
    feed_regenerate(user=bob)
    response = Client().get(f"/calendar/{token}.ics")
    assert response.status_code == 404


def test_it_shows_a_coach_only_their_own_sessions_and_a_client_only_theirs(alice_bob: Any, carol_dan: Any) -> None:
    make_session(alice_bob)
    make_session(carol_dan)
    make_homework(carol_dan, "Dan's homework")
    for person, other in ((alice_bob.coach, carol_dan), (alice_bob.client, carol_dan)):
        token = feed_regenerate(user=person)
        CalendarFeed.objects.filter(user=person).update(show_titles=True)
        summaries = [str(event["SUMMARY"]) for event in events(fetch(token))]
        assert all(other.client.display_name not in s and other.coach.display_name not in s for s in summaries)
        assert all("Dan's homework" not in s for s in summaries)
        assert any(s.startswith("Coaching session with") for s in summaries)


def test_it_leaves_out_another_persons_thinking_time(bob: Any, dan: Any) -> None:
    ThinkingTimeBlock.objects.create(client=dan, start_time=dt.time(9), timezone="Europe/London")
    assert events(fetch(feed_regenerate(user=bob))) == []


def test_a_thinking_time_blocks_dtstart_is_its_first_real_occurrence(bob: Any) -> None:
    import time_machine

    wednesday = dt.datetime(2026, 1, 14, 12, tzinfo=dt.UTC)
    with time_machine.travel(wednesday, tick=False):
        block = ThinkingTimeBlock.objects.create(
            client=bob, rrule="FREQ=WEEKLY;BYDAY=SA", start_time=dt.time(9), timezone="Europe/London"
        )
        [event] = events(fetch(feed_regenerate(user=bob)))
    assert event.decoded("DTSTART") == dt.datetime(2026, 1, 17, 9, tzinfo=block.zone)  # the Saturday, not Wednesday


def test_a_blocks_own_expansion_lists_nothing_from_before_it_existed(bob: Any) -> None:
    made = dt.datetime(2026, 1, 14, 12, tzinfo=dt.UTC)
    block = ThinkingTimeBlock.objects.create(
        client=bob, rrule="FREQ=DAILY", start_time=dt.time(9), timezone="Europe/London", created_at=made
    )
    days = block.occurrences_between(made - dt.timedelta(days=3), made + dt.timedelta(days=2))
    assert days == [dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC), dt.datetime(2026, 1, 16, 9, tzinfo=dt.UTC)]


def test_the_feed_survives_dates_at_the_end_of_time(alice_bob: Any) -> None:
    from legwork.homework.models import Homework

    make_homework(alice_bob, "Someday")
    Homework.objects.update(due_on=dt.date(9999, 12, 31))
    make_session(alice_bob, at=dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC))
    for person in (alice_bob.client, alice_bob.coach):
        assert events(fetch(feed_regenerate(user=person))) == []


def test_the_feeds_vtimezone_starts_summer_time_on_time(bob: Any) -> None:
    ThinkingTimeBlock.objects.create(client=bob, start_time=dt.time(9), timezone="Europe/London")
    calendar = icalendar.Calendar.from_ical(fetch(feed_regenerate(user=bob)).content)
    [zone] = calendar.walk("VTIMEZONE")
    [daylight] = [part for part in zone.subcomponents if part.name == "DAYLIGHT"]
    assert daylight.decoded("DTSTART").time() == dt.time(1)  # 01:00 GMT, the last Sunday of March
    assert "BYDAY=-1SU" in str(daylight["RRULE"].to_ical())
