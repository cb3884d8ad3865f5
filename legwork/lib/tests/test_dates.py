"""The date window (lib/dates.py): far dates are refused where people type them, and survived where stored."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.api.models import ApiToken
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, ProgressEntry
from legwork.lib.dates import add_days, day_end, plan_window, window_problem
from legwork.lib.rules import RuleBroken
from legwork.notebook.models import ThinkingTimeBlock, ThinkingTimeOccurrence

FAR_DATES = ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"]


def test_the_window_is_1900_to_2100_and_sums_never_overflow() -> None:
    assert window_problem(dt.date(1900, 1, 1)) is None
    assert window_problem(dt.date(2100, 12, 31)) is None
    assert "on or after 1 January 1900" in (window_problem(dt.date(1, 1, 1)) or "")
    assert "on or before 31 December 2100" in (window_problem(dt.datetime(9999, 12, 31, 23, 59)) or "")
    assert add_days(dt.date.max, 1) == dt.date.max
    assert add_days(dt.date.min, -1) == dt.date.min
    assert day_end(dt.date.max, dt.UTC).year == 9999
    low, high = plan_window(dt.date(2026, 3, 1))
    assert (low, high) == (dt.date(2025, 2, 28), dt.date(2031, 3, 1))


@pytest.mark.parametrize("day", FAR_DATES)
def test_progress_with_a_far_day_is_refused_beside_the_field(
    client: Client, bob: User, alice_bob: Engagement, day: str
) -> None:
    homework = make_homework(alice_bob)
    client.force_login(bob)
    prefix = f"progress-{homework.pk}"
    response = client.post(
        f"/homework/{homework.pk}/progress/", {f"{prefix}-note": "Read the job ad", f"{prefix}-occurred_on": day}
    )
    assert response.status_code == 400
    assert "occurred_on" in response.context["progress_form"].errors
    assert not ProgressEntry.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_api_refuses_progress_on_a_far_day_with_json(bob: User, alice_bob: Engagement, day: str) -> None:
    """progress_log (the service every caller passes) checks the window; the API answers 400, not 500."""
    homework = make_homework(alice_bob)
    _, token = ApiToken.issue(user=bob, name="tests")
    api = Client(headers={"Authorization": f"Bearer {token}"})
    response = api.post(
        f"/api/v1/homework/{homework.pk}/progress",
        data=json.dumps({"note": "x", "occurred_on": day}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "occurred_on" in response.json()["fields"]
    assert not ProgressEntry.objects.exists()


def test_the_service_refuses_a_due_date_outside_the_plan_window(alice: User, alice_bob: Engagement) -> None:
    from legwork.homework.services import HomeworkDraft, homework_propose

    with pytest.raises(RuleBroken) as error:
        homework_propose(
            engagement=alice_bob, draft=HomeworkDraft(title="x", purpose="act", due_on=dt.date(9999, 12, 31)), by=alice
        )
    assert error.value.field == "due_on"


@pytest.mark.parametrize("day", FAR_DATES)
def test_a_coach_cannot_set_a_due_date_outside_the_plan_window(
    client: Client, alice: User, alice_bob: Engagement, day: str
) -> None:
    homework = make_homework(alice_bob)
    client.force_login(alice)
    response = client.post(f"/homework/{homework.pk}/edit/", {"title": "Call Sam", "purpose": "act", "due_on": day})
    assert response.status_code == 400
    assert "Plan for a day" in response.content.decode() or "Pick a date" in response.content.decode()
    homework.refresh_from_db()
    assert homework.title != "Call Sam"


def test_editing_homework_with_an_empty_due_date_keeps_its_date(
    client: Client, alice: User, alice_bob: Engagement
) -> None:
    """It raised an IntegrityError: the bound form emptied the instance's due date before the service saved."""
    homework = make_homework(alice_bob)
    due = homework.due_on
    client.force_login(alice)
    response = client.post(f"/homework/{homework.pk}/edit/", {"title": "Call Sam", "purpose": "act", "due_on": ""})
    assert response.status_code == 302
    homework.refresh_from_db()
    assert (homework.title, homework.due_on) == ("Call Sam", due)


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Pacific/Kiritimati"])
@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00", "2101-01-01T09:00"])
def test_a_session_at_the_ends_of_the_calendar_is_refused(
    client: Client, alice: User, alice_bob: Engagement, zone: str, when: str
) -> None:
    """9999-12-31 23:59 in New York is later than Python's last UTC moment: it answered 500 at once."""
    alice.timezone = zone
    alice.save(update_fields=["timezone"])
    client.force_login(alice)
    response = client.post(
        f"/engagements/{alice_bob.pk}/sessions/new/", {"scheduled_at": when, "duration_minutes": 60, "meeting_url": ""}
    )
    assert response.status_code == 400
    assert not Session.objects.exists()


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:00+00:00", "0001-01-01T00:00"])
def test_marking_thinking_time_at_the_ends_of_the_calendar_is_refused(client: Client, bob: User, when: str) -> None:
    block = ThinkingTimeBlock.objects.create(client=bob, start_time=dt.time(9), timezone="Europe/London")
    client.force_login(bob)
    response = client.post(f"/thinking-time/{block.pk}/mark/", {"starts_at": when, "status": "taken"})
    assert response.status_code == 302
    response = client.post(
        f"/thinking-time/{block.pk}/mark/", {"starts_at": when, "status": "taken"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code < 500
    assert not ThinkingTimeOccurrence.objects.exists()


@pytest.fixture
def odd_data(alice: User, bob: User, alice_bob: Engagement) -> dict[str, Any]:
    """What testers stored before the window existed: a session in year 1, one in 9999, homework due 9999-12-31."""
    alice.timezone = "America/New_York"
    alice.save(update_fields=["timezone"])
    first = make_session(alice_bob, at=dt.datetime(1, 1, 1, 12, tzinfo=dt.UTC), status=Session.Status.HELD)
    held = make_session(alice_bob, at=timezone.now() - dt.timedelta(days=3), status=Session.Status.HELD)
    far = make_session(alice_bob, at=dt.datetime(9999, 12, 31, 12, tzinfo=dt.UTC))
    homework = make_homework(alice_bob, due_on=dt.date(9999, 12, 31))
    make_progress(homework, occurred_on=dt.date(1, 1, 1))
    Homework.objects.filter(pk=homework.pk).update(created_at=dt.datetime(1, 1, 2, tzinfo=dt.UTC))
    return {"first": first, "held": held, "far": far, "homework": homework, "engagement": alice_bob}


def test_pages_survive_far_dates_already_stored(
    client: Client, alice: User, bob: User, odd_data: dict[str, Any]
) -> None:
    """Insights, the engagement page, the session page, the brief and the reflection form answered 500; a brief
    whose interval began in year 1 walked 739,000 days and sent 60 MB. Now each answers 200 and stays small."""
    engagement = odd_data["engagement"]
    sessions = [odd_data[name] for name in ("first", "held", "far")]
    pages = {
        alice: [
            f"/engagements/{engagement.pk}/",
            "/coach/",
            "/coach/overview/",
            f"/homework/{odd_data['homework'].pk}/",
            *[f"/sessions/{s.pk}/" for s in sessions],
            *[f"/sessions/{s.pk}/brief/" for s in sessions],
        ],
        bob: [
            "/",
            "/insights/",
            f"/engagements/{engagement.pk}/",
            "/thinking-time/",
            *[f"/sessions/{s.pk}/reflection/" for s in sessions if s.status == Session.Status.SCHEDULED],
        ],
    }
    for person, urls in pages.items():
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert len(response.content) < 200_000, url
