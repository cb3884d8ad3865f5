"""The pages and the API give the same answers, because each rule lives once in the model or the service."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework
from legwork.accounts.models import User
from legwork.api.models import ApiToken
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, ProgressEntry
from legwork.homework.signals import homework_confirmed

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    _, token = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def page(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_neither_the_page_nor_the_api_takes_progress_on_reviewed_homework(alice_bob: Engagement, bob: User) -> None:
    homework = make_homework(alice_bob, status=Homework.Status.CONFIRMED, outcome="done")
    response = api(bob).post(
        f"/api/v1/homework/{homework.pk}/progress", data=json.dumps({"note": "Late"}), content_type="application/json"
    )
    assert response.status_code == 409
    assert "reviewed already" in response.json()["error"]
    response = page(bob).post(reverse("progress_log", args=[homework.pk]), {f"progress-{homework.pk}-note": "Late"})
    assert response.status_code == 400
    assert not ProgressEntry.objects.exists()


def test_neither_takes_progress_dated_before_the_homework_was_agreed(alice_bob: Engagement, bob: User) -> None:
    homework = make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    before = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = api(bob).post(
        f"/api/v1/homework/{homework.pk}/progress",
        data=json.dumps({"note": "x", "occurred_on": before}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "occurred_on" in response.json()["fields"]
    assert not ProgressEntry.objects.exists()


def test_confirming_through_the_api_again_is_accepted_and_tells_the_coach_once(
    alice_bob: Engagement, bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    homework = make_homework(alice_bob)
    heard: list[int] = []

    def on_confirm(homework: Homework, **kwargs: object) -> None:
        heard.append(homework.pk)

    homework_confirmed.connect(on_confirm)
    client = api(bob)
    try:
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(f"/api/v1/homework/{homework.pk}/confirm")
            assert response.status_code == 200
            assert response.json()["status"] == "confirmed"
    finally:
        homework_confirmed.disconnect(on_confirm)
    assert heard == [homework.pk]
    reviewed = make_homework(alice_bob, outcome="done")
    assert client.post(f"/api/v1/homework/{reviewed.pk}/confirm").status_code == 409


def test_the_coach_home_the_overview_and_the_api_read_one_caseload(
    alice: User, alice_bob: Engagement, carol_dan: Engagement
) -> None:
    from conftest import make_engagement, make_user

    paused = make_engagement(alice, make_user("pat@example.com"), status="paused")
    make_engagement(alice, make_user("old@example.com"), status="ended")
    make_homework(alice_bob)
    make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    make_homework(alice_bob, outcome="done")
    home = page(alice).get(reverse("home")).context["clients"]
    overview = page(alice).get(reverse("coach_overview")).context["rows"]
    results = api(alice).get("/api/v1/coach/clients").json()["results"]
    assert {e.pk for e in home} == {row.engagement.pk for row in overview} == {r["id"] for r in results}
    assert {e.pk for e in home} == {alice_bob.pk, paused.pk}
    assert (
        {e.pk: e.open_homework for e in home}
        == {r["id"]: r["open_homework"] for r in results}
        == {
            alice_bob.pk: 2,
            paused.pk: 0,
        }
    )


def test_a_missed_or_cancelled_session_ends_no_interval_anywhere(alice_bob: Engagement, alice: User) -> None:
    from conftest import make_progress, make_session
    from legwork.insights.history import interval_before

    now = timezone.now()
    held = make_session(alice_bob, at=now - dt.timedelta(days=10), status="held")
    make_session(alice_bob, at=now - dt.timedelta(days=3), status="missed")
    make_session(alice_bob, at=now - dt.timedelta(days=2), status="cancelled")
    upcoming = make_session(alice_bob, at=now + dt.timedelta(days=4))
    homework = make_homework(alice_bob, status=Homework.Status.CONFIRMED, created_at=held.scheduled_at)
    make_progress(homework, written_at=now - dt.timedelta(days=5))  # after the held one, before the missed one

    assert alice_bob.current_interval_start(now) == held.scheduled_at
    assert Engagement.objects.with_interval_start(now).get(pk=alice_bob.pk).interval_start == held.scheduled_at  # type: ignore[attr-defined]
    assert upcoming.interval_start() == held.scheduled_at
    assert interval_before(upcoming).start == held.scheduled_at
    # The overview agrees: work was written in this interval, so the client is not silent.
    [row] = page(alice).get(reverse("coach_overview")).context["rows"]
    assert not row.silent


def test_the_brief_and_the_engagement_page_count_carry_overs_the_same_way() -> None:
    """The demo's stuck client keeps carrying one homework over: every page gives the same count."""
    from legwork.coaching.demo import build_demo_practice
    from legwork.coaching.models import AgendaItem, Session
    from legwork.insights.pages import engagement_insights

    practice = build_demo_practice()
    stuck = practice.engagements["stuck"]
    latest = Homework.objects.filter(engagement=stuck, title__startswith="Send the application").latest("created_at")
    times = latest.times_carried_over()
    data = engagement_insights(stuck)
    [item] = AgendaItem.objects.open().filter(engagement=stuck, kind=AgendaItem.Kind.TO_EXPLORE)
    assert f"carried over {times} times" in item.text
    assert data.longest_carry == times
    upcoming = Session.objects.filter(engagement=stuck, status="scheduled").get()
    brief = page(practice.coach).get(reverse("brief", args=[upcoming.pk])).content.decode()
    engagement_page = page(practice.coach).get(reverse("engagement", args=[stuck.pk])).content.decode()
    assert f"carried over {times} times" in brief
    assert f"one {times} times in a row" in engagement_page
