from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import make_session
from legwork.coaching.models import Engagement, Session
from legwork.notebook.models import ThinkingTimeBlock, ThinkingTimeOccurrence
from legwork.notebook.services import thinking_time_summary

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def make_block(client: Any, rrule: str = "FREQ=WEEKLY;BYDAY=SA", at: dt.time = dt.time(9), **kwargs: Any) -> Any:
    kwargs.setdefault("created_at", dt.datetime(2026, 1, 1, tzinfo=UTC))
    kwargs.setdefault("timezone", "Europe/London")
    return ThinkingTimeBlock.objects.create(client=client, rrule=rrule, start_time=at, **kwargs)


def test_it_keeps_nine_oclock_across_the_march_change(bob: Any) -> None:
    block = make_block(bob)
    starts = block.occurrences_between(dt.datetime(2026, 3, 20, tzinfo=UTC), dt.datetime(2026, 4, 5, tzinfo=UTC))
    # Clocks go forward on Sunday 29 March 2026: 09:00 GMT is 09:00Z, 09:00 BST is 08:00Z.
    assert starts == [
        dt.datetime(2026, 3, 21, 9, tzinfo=UTC),
        dt.datetime(2026, 3, 28, 9, tzinfo=UTC),
        dt.datetime(2026, 4, 4, 8, tzinfo=UTC),
    ]
    assert {when.astimezone(LONDON).time() for when in starts} == {dt.time(9)}


def test_it_keeps_nine_oclock_across_the_october_change(bob: Any) -> None:
    block = make_block(bob, "FREQ=WEEKLY;BYDAY=SA,SU")
    starts = block.occurrences_between(dt.datetime(2026, 10, 24, tzinfo=UTC), dt.datetime(2026, 10, 26, tzinfo=UTC))
    # Clocks go back on Sunday 25 October 2026.
    assert starts == [dt.datetime(2026, 10, 24, 8, tzinfo=UTC), dt.datetime(2026, 10, 25, 9, tzinfo=UTC)]


def test_it_handles_a_start_in_the_missing_hour_and_the_repeated_hour(bob: Any) -> None:
    gap = make_block(bob, "FREQ=WEEKLY;BYDAY=SU", at=dt.time(1, 30))
    [spring] = gap.occurrences_between(dt.datetime(2026, 3, 29, tzinfo=UTC), dt.datetime(2026, 3, 30, tzinfo=UTC))
    assert spring == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 02:30 BST: the hour that doesn't exist is skipped
    [autumn] = gap.occurrences_between(dt.datetime(2026, 10, 25, tzinfo=UTC), dt.datetime(2026, 10, 26, tzinfo=UTC))
    assert autumn == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 01:30, once


def test_it_returns_only_occurrences_in_the_half_open_range(bob: Any) -> None:
    block = make_block(bob)
    at = dt.datetime(2026, 3, 21, 9, tzinfo=UTC)
    assert block.occurrences_between(at, at + dt.timedelta(seconds=1)) == [at]
    assert block.occurrences_between(at - dt.timedelta(hours=1), at) == []


def test_it_counts_thinking_time_taken_since_the_last_held_session(bob: Any, alice_bob: Any) -> None:
    block = make_block(bob)
    make_session(alice_bob, at=dt.datetime(2026, 3, 1, 10, tzinfo=UTC), status=Session.Status.HELD)
    for day, status in [(7, "taken"), (14, "skipped"), (21, "taken")]:
        ThinkingTimeOccurrence.objects.create(
            block=block, starts_at=dt.datetime(2026, 3, day, 9, tzinfo=UTC), status=status
        )
    ThinkingTimeOccurrence.objects.create(
        block=block, starts_at=dt.datetime(2026, 2, 28, 9, tzinfo=UTC), status="taken"
    )
    summary = thinking_time_summary(bob, now=dt.datetime(2026, 3, 25, tzinfo=UTC))
    assert (summary["taken"], summary["planned"]) == (2, 3)  # Saturdays 7, 14, 21 March
    assert summary["next"][0] == dt.datetime(2026, 3, 28, 9, tzinfo=UTC)


def test_it_shows_the_next_block_on_the_client_home(client: Any, bob: Any, alice_bob: Any) -> None:
    make_block(bob, note="garden, strong coffee")
    make_session(alice_bob, at=dt.datetime(2026, 3, 1, 10, tzinfo=UTC), status=Session.Status.HELD)
    client.force_login(bob)
    with time_machine.travel("2026-03-25 12:00Z", tick=False):
        page = client.get(reverse("client_home")).content.decode()
    assert "Saturday 28 March, 09:00" in page
    assert "garden, strong coffee" in page
    assert "Taken this interval: <strong>0</strong> of 3" in page
    link = re.search(r'href="(/notebook/new/\?prompt=[^"]+)"', page)
    assert link is not None
    form = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert re.search(r'name="prompt" value="[^"]+\?"', form)


def test_the_client_home_reads_the_thinking_time_taken_once_for_the_line_and_the_panel(
    client: Any, bob: Any, alice_bob: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    block = make_block(bob)
    Engagement.objects.filter(pk=alice_bob.pk).update(created_at=dt.datetime(2026, 1, 1, tzinfo=UTC))
    make_session(alice_bob, at=dt.datetime(2026, 3, 1, 10, tzinfo=UTC), status=Session.Status.HELD)
    make_session(alice_bob, at=dt.datetime(2026, 3, 30, 10, tzinfo=UTC))
    for day, status in [(28, "taken"), (7, "taken"), (14, "skipped"), (21, "taken")]:
        ThinkingTimeOccurrence.objects.create(
            block=block, starts_at=dt.datetime(2026, 3 if day < 28 else 2, day, 9, tzinfo=UTC), status=status
        )
    client.force_login(bob)
    with time_machine.travel("2026-03-25 12:00Z", tick=False):
        client.get(reverse("client_home"))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("client_home")).content.decode()
    # Since 1 March: Saturdays 7 (taken), 14 (skipped), 21 (taken); 28 February was the interval before.
    assert "Taken this interval: <strong>2</strong> of 3" in page
    assert "You've worked on 2 of the 25 days" in page  # 1-25 March
    taken_reads = [q["sql"] for q in queries.captured_queries if "notebook_thinkingtimeoccurrence" in q["sql"]]
    assert len(taken_reads) == 1, taken_reads


def test_with_two_coaches_each_line_counts_its_own_interval_and_the_panel_the_later(
    client: Any, bob: Any, alice_bob: Any, carol: Any
) -> None:
    block = make_block(bob)
    Engagement.objects.filter(pk=alice_bob.pk).update(created_at=dt.datetime(2026, 1, 1, tzinfo=UTC))
    with_carol = Engagement.objects.create(coach=carol, client=bob, created_at=dt.datetime(2026, 1, 1, tzinfo=UTC))
    make_session(alice_bob, at=dt.datetime(2026, 3, 1, 10, tzinfo=UTC), status=Session.Status.HELD)
    make_session(alice_bob, at=dt.datetime(2026, 3, 30, 10, tzinfo=UTC))
    make_session(with_carol, at=dt.datetime(2026, 3, 8, 10, tzinfo=UTC), status=Session.Status.HELD)
    make_session(with_carol, at=dt.datetime(2026, 3, 30, 12, tzinfo=UTC))
    for day, status in [(7, "taken"), (14, "skipped"), (21, "taken")]:
        ThinkingTimeOccurrence.objects.create(
            block=block, starts_at=dt.datetime(2026, 3, day, 9, tzinfo=UTC), status=status
        )
    client.force_login(bob)
    with time_machine.travel("2026-03-25 12:00Z", tick=False):
        page = client.get(reverse("client_home")).content.decode()
    # Since 8 March, the later start: 14 (skipped) and 21 (taken) of Saturdays 14 and 21.
    assert "Taken this interval: <strong>1</strong> of 2" in page
    assert "You've worked on 2 of the 25 days" in page  # with Alice, 1-25 March: the 7th and the 21st
    assert "You've worked on 1 of the 18 days" in page  # with Carol, 8-25 March: the 21st


def test_it_sets_a_block_from_the_form_as_an_rrule(client: Any, bob: Any) -> None:
    client.force_login(bob)
    response = client.post(
        reverse("thinking_time"),
        {
            "days": ["SU", "SA"],
            "start_time": "09:30",
            "duration_minutes": 120,
            "timezone": "Europe/London",
            "note": "x",
        },
    )
    assert response.status_code == 302
    block = ThinkingTimeBlock.objects.get()
    assert block.rrule == "FREQ=WEEKLY;BYDAY=SA,SU"
    assert block.start_time == dt.time(9, 30)


def test_it_keeps_a_bad_block_form_with_errors_beside_the_fields(client: Any, bob: Any) -> None:
    client.force_login(bob)
    response = client.post(
        reverse("thinking_time"),
        {
            "days": ["XX"],
            "start_time": "25:99",
            "duration_minutes": 9999,
            "timezone": "Mars/Olympus",
            "note": "keep me",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "keep me" in page
    assert page.count('class="error"') >= 4
    assert not ThinkingTimeBlock.objects.exists()


def test_it_marks_an_occurrence_taken_then_skipped_with_a_reason(client: Any, bob: Any) -> None:
    block = make_block(bob)
    client.force_login(bob)
    url = reverse("thinking_occurrence_mark", args=[block.pk])
    client.post(url, {"starts_at": "2026-03-21T09:00:00+00:00", "status": "taken"})
    response = client.post(
        url, {"starts_at": "2026-03-21T09:00:00+00:00", "status": "skipped", "note": "sick kid"}, HTTP_HX_REQUEST="true"
    )
    assert "sick kid" in response.content.decode()
    mark = ThinkingTimeOccurrence.objects.get()
    assert (mark.status, mark.note) == ("skipped", "sick kid")


def test_it_refuses_to_mark_a_time_the_block_does_not_happen(client: Any, bob: Any) -> None:
    block = make_block(bob)
    client.force_login(bob)
    url = reverse("thinking_occurrence_mark", args=[block.pk])
    for starts_at in ("2026-03-21T09:05:00+00:00", "yesterday", "", "2126-01-05T09:00:00+00:00"):
        assert client.post(url, {"starts_at": starts_at, "status": "taken"}).status_code == 302
    assert client.post(url, {"starts_at": "2026-03-21T09:00:00+00:00", "status": "nope"}).status_code == 302
    assert not ThinkingTimeOccurrence.objects.exists()


def test_it_gives_404_for_another_clients_block(client: Any, bob: Any, dan: Any, alice: Any, alice_bob: Any) -> None:
    """Ownership: thinking time is the client's alone; dan and bob's own coach get 404."""
    block = make_block(bob)
    for person in (dan, alice):
        client.force_login(person)
        assert client.get(reverse("thinking_block_edit", args=[block.pk])).status_code == 404
        url = reverse("thinking_occurrence_mark", args=[block.pk])
        assert client.post(url, {"starts_at": "2026-03-21T09:00:00+00:00", "status": "taken"}).status_code == 404
        assert client.post(reverse("thinking_block_toggle", args=[block.pk])).status_code == 404
    block.refresh_from_db()
    assert block.active
    assert not ThinkingTimeOccurrence.objects.exists()


def test_it_lets_the_client_pause_a_block_but_not_its_coach(client: Any, alice: Any, bob: Any, alice_bob: Any) -> None:
    """Role: pausing is the client's action; the coach can't reach the block at all."""
    block = make_block(bob)
    client.force_login(alice)
    assert client.post(reverse("thinking_block_toggle", args=[block.pk])).status_code == 404
    client.force_login(bob)
    client.post(reverse("thinking_block_toggle", args=[block.pk]))
    block.refresh_from_db()
    assert not block.active


def test_the_new_block_form_ticks_no_day(client: Any, bob: Any) -> None:
    client.force_login(bob)
    page = client.get(reverse("thinking_time")).content.decode()
    days = re.findall(r'<input type="checkbox" name="days"[^>]*>', page)
    assert len(days) == 7
    assert not [box for box in days if "checked" in box]
    client.post(
        reverse("thinking_time"),
        {"days": ["TU", "FR"], "start_time": "09:00", "duration_minutes": 60, "timezone": "Europe/London"},
    )
    assert ThinkingTimeBlock.objects.get().days_display == "Tue, Fri"


def test_a_block_made_a_minute_ago_has_nothing_to_mark_and_no_zero_of_zero(
    client: Any, bob: Any, alice_bob: Any
) -> None:
    make_session(alice_bob, at=dt.datetime(2026, 3, 1, 10, tzinfo=UTC), status=Session.Status.HELD)
    client.force_login(bob)
    with time_machine.travel("2026-03-25 12:00Z", tick=False):
        client.post(
            reverse("thinking_time"),
            {"days": ["MO", "SA"], "start_time": "09:00", "duration_minutes": 60, "timezone": "Europe/London"},
        )
    with time_machine.travel("2026-03-25 12:01Z", tick=False):
        page = client.get(reverse("thinking_time")).content.decode()
    assert "Nothing to mark yet." in page
    assert 'name="status" value="taken"' not in page
    assert "of 0" not in page
    assert "Saturday 28 March, 09:00" in page
