from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import PASSWORD, make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, Outcome
from legwork.insights.models import InsightSettings, Reflection

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Sessions on Mon 5 Jan and Mon 19 Jan 2026 at 17:00 (London = UTC in winter); next on Mon 2 Feb.
NOW = dt.datetime(2026, 1, 26, 12, 0, tzinfo=UTC)


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def history(alice_bob: Engagement) -> Session:
    """Last interval (5–19 Jan): two homework, one done, three entries on 3 days, one in the last 24 hours.
    This interval (19 Jan – 2 Feb), at noon on 26 Jan: one entry on 21 Jan, so 1 of 8 days so far."""
    Engagement.objects.filter(pk=alice_bob.pk).update(created_at=dt.datetime(2026, 1, 1, tzinfo=UTC))
    alice_bob.refresh_from_db()
    make_session(alice_bob, at=dt.datetime(2026, 1, 5, 17, tzinfo=UTC), status=Session.Status.HELD)
    make_session(alice_bob, at=dt.datetime(2026, 1, 19, 17, tzinfo=UTC), status=Session.Status.HELD)
    upcoming = make_session(alice_bob, at=dt.datetime(2026, 2, 2, 17, tzinfo=UTC))
    agreed = dt.datetime(2026, 1, 5, 18, tzinfo=UTC)
    done = make_homework(alice_bob, "Talk to Dana", created_at=agreed, due_on=dt.date(2026, 1, 19))
    other = make_homework(alice_bob, "Read about public health", created_at=agreed, due_on=dt.date(2026, 1, 19))
    for day, hour in ((7, 9), (12, 9), (19, 8)):
        make_progress(done, written_at=dt.datetime(2026, 1, day, hour, tzinfo=UTC), occurred_on=dt.date(2026, 1, day))
    Homework.objects.filter(pk=done.pk).update(outcome=Outcome.DONE)
    Homework.objects.filter(pk=other.pk).update(outcome=Outcome.NOT_DONE, reason="time")
    current = make_homework(
        alice_bob,
        "Draft the cover letter",
        created_at=dt.datetime(2026, 1, 19, 18, tzinfo=UTC),
        due_on=dt.date(2026, 2, 2),
        status=Homework.Status.CONFIRMED,
    )
    make_progress(current, written_at=dt.datetime(2026, 1, 21, 20, tzinfo=UTC), occurred_on=dt.date(2026, 1, 21))
    return upcoming


def test_it_tells_the_client_kindly_how_the_interval_is_going(bob: User, history: Session) -> None:
    with time_machine.travel(NOW):
        text = signed_in(bob).get(reverse("my_insights")).content.decode()
    # 19 Jan .. 26 Jan is 8 days so far; work on 21 Jan only.
    assert "You worked on <strong>1 of the 8 days</strong>" in text
    # Last interval: 5 .. 19 Jan is 15 days, work on 7, 12 and 19 Jan; 1 of 2 homework done.
    assert "Last interval you worked on 3 of the 15 days and finished 1 of 2 homework." in text
    assert "1 of 3 entries came in the final 24 hours" in text
    assert "rank" not in text.lower()
    assert "other clients" not in text.lower()


def test_it_shows_the_client_charts_unless_the_coach_turned_them_off(
    alice: User, bob: User, alice_bob: Engagement, history: Session
) -> None:
    with time_machine.travel(NOW):
        assert 'role="img"' in signed_in(bob).get(reverse("my_insights")).content.decode()
        response = signed_in(alice).post(reverse("engagement_charts", args=[alice_bob.pk]), {})
        assert response.status_code == 302
        assert InsightSettings.objects.get(engagement=alice_bob).charts_on is False
        text = signed_in(bob).get(reverse("my_insights")).content.decode()
        assert 'role="img"' not in text
        assert "You worked on" in text  # the words stay
        signed_in(alice).post(reverse("engagement_charts", args=[alice_bob.pk]), {"charts_on": "on"})
        assert 'role="img"' in signed_in(bob).get(reverse("my_insights")).content.decode()


def test_it_refuses_the_client_switching_their_own_charts(bob: User, alice_bob: Engagement) -> None:
    assert signed_in(bob).post(reverse("engagement_charts", args=[alice_bob.pk]), {}).status_code == 403
    assert not InsightSettings.objects.exists()


def test_it_hides_the_switch_and_the_numbers_from_another_coach_and_client(
    carol: User, dan: User, alice_bob: Engagement, carol_dan: Engagement, history: Session
) -> None:
    assert signed_in(carol).post(reverse("engagement_charts", args=[alice_bob.pk]), {}).status_code == 404
    assert not InsightSettings.objects.exists()
    with time_machine.travel(NOW):
        text = signed_in(dan).get(reverse("my_insights")).content.decode()
    assert "Talk to Dana" not in text
    assert "Alice Coach" not in text


def test_it_shows_the_coach_the_follow_through_panel_on_the_engagement(
    alice: User, bob: User, alice_bob: Engagement, history: Session
) -> None:
    with time_machine.travel(NOW):
        coach_page = signed_in(alice).get(reverse("engagement", args=[alice_bob.pk])).content.decode()
        client_page = signed_in(bob).get(reverse("engagement", args=[alice_bob.pk])).content.decode()
    assert "Follow-through" in coach_page
    assert "1 of 2 reviewed homework done" in coach_page
    assert reverse("engagement_charts", args=[alice_bob.pk]) in coach_page
    assert "Follow-through" not in client_page


def test_it_prompts_the_client_for_a_reflection_on_their_home(bob: User, history: Session) -> None:
    with time_machine.travel(NOW):
        text = signed_in(bob).get(reverse("home")).content.decode()
        assert "You've worked on 1 of the 8 days of this interval so far." in text
        assert "write your reflection" in text
        Reflection.objects.create(session=history, what_i_did="A letter draft.")
        assert "Your reflection is ready" in signed_in(bob).get(reverse("home")).content.decode()


def test_it_refuses_the_client_the_coachs_brief_and_other_coaches_the_clients_numbers(
    bob: User, carol: User, alice_bob: Engagement, history: Session
) -> None:
    assert signed_in(bob).get(reverse("brief", args=[history.pk])).status_code == 403
    with time_machine.travel(NOW):
        assert signed_in(carol).get(reverse("engagement", args=[alice_bob.pk])).status_code == 404


def grow_history(engagement: Engagement, intervals: int) -> None:
    """`intervals` more fortnights of held sessions, each with two homework and three entries."""
    start = dt.datetime(2025, 1, 6, 17, tzinfo=UTC)
    for n in range(intervals):
        at = start + dt.timedelta(days=14 * n)
        make_session(engagement, at=at, status=Session.Status.HELD)
        for title in ("Call someone", "Write something"):
            homework = make_homework(
                engagement, title, created_at=at + dt.timedelta(hours=1), due_on=(at + dt.timedelta(days=14)).date()
            )
            Homework.objects.filter(pk=homework.pk).update(outcome=Outcome.DONE)
            for day in (2, 6, 13):
                make_progress(
                    homework, written_at=at + dt.timedelta(days=day), occurred_on=(at + dt.timedelta(days=day)).date()
                )


def panel_queries(user: User, engagement: Engagement) -> int:
    request = RequestFactory().get("/")
    request.user = user
    template = Template('{% load panels %}{% panels "engagement.top" engagement %}')
    with CaptureQueriesContext(connection) as captured:
        html = template.render(Context({"request": request, "engagement": engagement}))
    assert "Follow-through" in html
    return len(captured)


def test_it_draws_the_coachs_panel_in_the_same_number_of_queries_for_a_short_or_long_history(
    alice: User, carol: User, alice_bob: Engagement, carol_dan: Engagement
) -> None:
    grow_history(carol_dan, 2)
    grow_history(alice_bob, 20)
    with time_machine.travel(NOW):
        short, long = panel_queries(carol, carol_dan), panel_queries(alice, alice_bob)
    assert short == long, (short, long)
