"""The client's side of homework: the client home, the homework page, confirm, change, edit and progress."""

from __future__ import annotations

import datetime as dt
from html import unescape
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, ProgressEntry

from .pages import HTMX, signed_in


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_client_home_shows_this_interval_and_days_left(alice_bob: Engagement, bob: User) -> None:
    make_session(alice_bob, at=dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.UTC))
    make_homework(alice_bob, "Ask Dana for a coffee", first_step="Find her email", plan_when="Tuesday 8am")
    make_homework(alice_bob, "Reviewed already", outcome="done")
    response = signed_in(bob).get(reverse("home"))
    html = unescape(response.content.decode())
    assert "7 days" in html
    assert "Ask Dana for a coffee" in html
    assert "Find her email" in html
    assert "Reviewed already" not in html
    assert "I'm in" in html


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_client_home_says_how_much_was_logged_on_each_homework(alice_bob: Engagement, bob: User) -> None:
    make_session(alice_bob, at=dt.datetime(2026, 3, 9, 17, 0, tzinfo=dt.UTC))
    logged = make_homework(alice_bob, "Logged twice", status="confirmed")
    make_progress(logged, written_at=dt.datetime(2026, 2, 25, 9, 0, tzinfo=dt.UTC))
    make_progress(logged, written_at=dt.datetime(2026, 2, 28, 9, 0, tzinfo=dt.UTC))
    make_homework(alice_bob, "Not yet touched", status="confirmed")
    html = unescape(signed_in(bob).get(reverse("home")).content.decode())
    logged_card, untouched_card = html.split("Logged twice")[1], html.split("Not yet touched")[1]
    # The latest entry decides "last": 28 Feb, two days before.
    assert "2 entries, last 2 days ago" in logged_card.split("</article>")[0]
    assert "Nothing logged yet</p>" in untouched_card.split("</article>")[0]


@pytest.mark.django_db
def test_client_home_query_count_does_not_grow_with_homework(alice_bob: Engagement, bob: User) -> None:
    make_session(alice_bob)
    client = signed_in(bob)
    client.get(reverse("home"))

    def add(count: int) -> None:
        for _ in range(count):
            make_progress(make_homework(alice_bob, status="confirmed"))
            make_homework(alice_bob)

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    add(10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("home"))
    assert len(many) == len(few)
    # Session, user; engagements, their open homework and sessions (with where each interval began); the
    # panels: reminders, the interval line (the entries' days, the thinking time taken, which the notebook
    # counts too), the news, the notebook (its blocks).
    assert len(few) <= 10, [q["sql"] for q in few.captured_queries]


@pytest.mark.django_db
def test_the_client_confirms_with_htmx_and_gets_the_progress_form(homework: Homework, bob: User) -> None:
    response = signed_in(bob).post(reverse("homework_confirm", args=[homework.pk]), **HTMX)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<html" not in html
    assert f'id="homework-{homework.pk}"' in html
    assert "Log progress" in html
    homework.refresh_from_db()
    assert homework.status == "confirmed"


@pytest.mark.django_db
def test_the_client_confirms_without_javascript_and_goes_back(homework: Homework, bob: User) -> None:
    response = signed_in(bob).post(reverse("homework_confirm", args=[homework.pk]), {"next": "/today/"})
    assert response["Location"] == "/today/"
    response = signed_in(bob).post(reverse("homework_confirm", args=[homework.pk]), {"next": "https://evil.test/"})
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_the_client_proposes_a_change_and_the_coach_edits_it_back_to_a_proposal(
    homework: Homework, alice: User, bob: User
) -> None:
    url = reverse("homework_request_change", args=[homework.pk])
    assert signed_in(bob).get(url).status_code == 200
    response = signed_in(bob).post(url, {"note": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    response = signed_in(bob).post(url, {"note": "N" * 501})
    assert "at most 500 characters" in response.content.decode()
    assert "N" * 501 in response.content.decode()
    signed_in(bob).post(url, {"note": "Coffee feels too much: an email first"})
    homework.refresh_from_db()
    assert homework.status == "change_requested"

    coach = signed_in(alice)
    page = coach.get(reverse("homework_edit", args=[homework.pk])).content.decode()
    assert "Coffee feels too much: an email first" in page
    data = {"title": "Email Dana", "purpose": "act", "due_on": "2030-01-10"}
    assert coach.post(reverse("homework_edit", args=[homework.pk]), data).status_code == 302
    homework.refresh_from_db()
    assert (homework.title, homework.status, homework.due_on) == ("Email Dana", "proposed", dt.date(2030, 1, 10))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"title": "", "purpose": "act"}, "title", "This field is required."),
        ({"title": "T" * 201, "purpose": "act"}, "title", "at most 200 characters"),
        ({"title": "Ok", "purpose": "sideways"}, "purpose", "Select a valid choice"),
        ({"title": "Ok", "purpose": "act", "due_on": "2030-13-45"}, "due_on", "Enter a valid date."),
        ({"title": "Ok", "purpose": "act", "goal": "99999"}, "goal", "Select a valid choice"),
        ({"title": "Ok", "purpose": "act", "goal": "abc"}, "goal", "Select a valid choice"),
        ({"title": "Ok", "purpose": "act", "plan_when": "W" * 201}, "plan_when", "at most 200 characters"),
    ],
)
def test_editing_keeps_bad_input_with_the_error_beside_the_field(
    homework: Homework, alice: User, data: dict[str, str], field: str, error: str
) -> None:
    response = signed_in(alice).post(reverse("homework_edit", args=[homework.pk]), data)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert error in html
    assert f'id="id_{field}_error"' in html
    for key, value in data.items():
        if key != "goal":  # a made-up choice can't be shown selected
            assert value in html
    homework.refresh_from_db()
    assert homework.title == "Ask Dana for a coffee"


@pytest.mark.django_db
def test_a_coach_cannot_pick_another_engagements_goal(homework: Homework, alice: User, carol_dan: Engagement) -> None:
    other_goal = carol_dan.goals.create(title="Carol's client's goal")
    data = {"title": "Ok", "purpose": "act", "goal": str(other_goal.pk)}
    response = signed_in(alice).post(reverse("homework_edit", args=[homework.pk]), data)
    assert response.status_code == 400
    homework.refresh_from_db()
    assert homework.goal is None


@pytest.mark.django_db
def test_reviewed_homework_cannot_be_confirmed_edited_or_logged(alice_bob: Engagement, alice: User, bob: User) -> None:
    homework = make_homework(alice_bob, status="confirmed", outcome="done")
    signed_in(bob).post(reverse("homework_request_change", args=[homework.pk]), {"note": "x"})
    response = signed_in(bob).post(reverse("progress_log", args=[homework.pk]), {f"progress-{homework.pk}-note": "x"})
    assert response.status_code == 400
    assert "reviewed already" in response.content.decode()
    response = signed_in(alice).post(reverse("homework_edit", args=[homework.pk]), {"title": "New", "purpose": "act"})
    assert response.status_code == 302
    homework.refresh_from_db()
    assert (homework.title, homework.status) == ("Send the application to Acme", "confirmed")
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_the_client_logs_progress_with_htmx_in_a_couple_of_taps(homework: Homework, bob: User) -> None:
    homework.confirm()
    prefix = f"progress-{homework.pk}"
    response = signed_in(bob).post(
        reverse("progress_log", args=[homework.pk]),
        {f"{prefix}-note": "Found her email", f"{prefix}-minutes": "10"},
        **HTMX,
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "<html" not in html
    assert "Logged at" in html
    assert "1 entry" in html
    entry = ProgressEntry.objects.get()
    assert (entry.note, entry.minutes, entry.author, entry.occurred_on) == (
        "Found her email",
        10,
        bob,
        timezone.localdate(),
    )


@pytest.mark.django_db
def test_a_backdated_entry_keeps_both_dates_and_says_so(homework: Homework, bob: User, alice: User) -> None:
    homework.confirm()
    prefix = f"progress-{homework.pk}"
    day = timezone.localdate() - dt.timedelta(days=3)
    signed_in(bob).post(
        reverse("progress_log", args=[homework.pk]),
        {f"{prefix}-note": "Earlier", f"{prefix}-occurred_on": day.isoformat()},
    )
    entry = ProgressEntry.objects.get()
    assert entry.occurred_on == day
    assert entry.written_at.date() >= timezone.now().date() - dt.timedelta(days=1)
    html = signed_in(alice).get(reverse("homework", args=[homework.pk])).content.decode()
    assert f"about {day:%a} {day.day} {day:%b}" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"note": "", "minutes": ""}, "Write a few words or the minutes you spent."),
        ({"note": "x", "minutes": "ten"}, "Enter a whole number."),
        ({"note": "x", "minutes": "0"}, "greater than or equal to 1"),
        ({"note": "x", "minutes": "100000"}, "less than or equal to 1440"),
        ({"note": "x", "occurred_on": "31/02/2026"}, "Enter a valid date."),
        ({"note": "x", "occurred_on": "2999-01-01"}, "hasn't happened yet"),
        ({"note": "N" * 5001}, "at most 5000 characters"),
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_bad_progress_is_kept_with_the_error_beside_the_field(
    homework: Homework, bob: User, data: dict[str, str], error: str, htmx: bool
) -> None:
    homework.confirm()
    prefix = f"progress-{homework.pk}"
    headers: dict[str, Any] = HTMX if htmx else {}
    response = signed_in(bob).post(
        reverse("progress_log", args=[homework.pk]), {f"{prefix}-{k}": v for k, v in data.items()}, **headers
    )
    html = unescape(response.content.decode())
    assert response.status_code == (200 if htmx else 400)
    assert error in html
    for value in data.values():
        assert value in html
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_progress_cannot_be_dated_before_the_homework_was_agreed(homework: Homework, bob: User) -> None:
    homework.confirm()
    prefix = f"progress-{homework.pk}"
    before = timezone.localdate() - dt.timedelta(days=8)
    response = signed_in(bob).post(
        reverse("progress_log", args=[homework.pk]),
        {f"{prefix}-note": "Before it existed", f"{prefix}-occurred_on": before.isoformat()},
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "log work done since then" in html
    assert "Before it existed" in html
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_confirming_again_is_accepted_and_tells_the_coach_once(
    homework: Homework, bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    from legwork.homework.signals import homework_confirmed

    heard: list[int] = []

    def on_confirm(homework: Homework, **kwargs: object) -> None:
        heard.append(homework.pk)

    homework_confirmed.connect(on_confirm)
    try:
        for _ in range(3):
            with django_capture_on_commit_callbacks(execute=True):
                response = signed_in(bob).post(reverse("homework_confirm", args=[homework.pk]), **HTMX)
            assert response.status_code == 200
    finally:
        homework_confirmed.disconnect(on_confirm)
    assert heard == [homework.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [True, False])
def test_one_tap_logs_minutes_with_any_note_written(homework: Homework, bob: User, htmx: bool) -> None:
    homework.confirm()
    prefix = f"progress-{homework.pk}"
    headers: dict[str, Any] = HTMX if htmx else {}
    url = reverse("progress_log", args=[homework.pk])
    signed_in(bob).post(url, {f"{prefix}-quick": "30", f"{prefix}-note": ""}, **headers)
    signed_in(bob).post(url, {f"{prefix}-quick": "15", f"{prefix}-note": "Wrote to Dana"}, **headers)
    response = signed_in(bob).post(url, {f"{prefix}-quick": "999"}, **headers)
    assert "Pick 15 min, 30 min or 1 hour." in unescape(response.content.decode())
    assert sorted(ProgressEntry.objects.values_list("minutes", "note")) == [(15, "Wrote to Dana"), (30, "")]


@pytest.mark.django_db
def test_client_home_shows_the_if_then_plan_in_the_clients_words(alice_bob: Engagement, bob: User) -> None:
    make_session(alice_bob)
    make_homework(alice_bob, plan_when="Tuesday evening", plan_where="at the kitchen table", status="confirmed")
    make_homework(alice_bob, "Walk and think", plan_where="in the park", status="confirmed")
    html = unescape(signed_in(bob).get(reverse("home")).content.decode())
    assert "<strong>Plan:</strong> Tuesday evening, at the kitchen table</p>" in html
    assert "<strong>Plan:</strong> in the park</p>" in html


@pytest.mark.django_db
def test_one_tap_log_updates_the_interval_line_out_of_band(alice_bob: Engagement, bob: User) -> None:
    make_session(alice_bob, at=timezone.now() - dt.timedelta(days=3), status="held")
    make_session(alice_bob, at=timezone.now() + dt.timedelta(days=7))
    homework = make_homework(alice_bob, status="confirmed", created_at=timezone.now() - dt.timedelta(days=2))
    web = signed_in(bob)
    assert "Nothing logged yet this interval" in web.get(reverse("home")).content.decode()
    prefix = f"progress-{homework.pk}"
    response = web.post(reverse("progress_log", args=[homework.pk]), {f"{prefix}-quick": "30"}, **HTMX)
    html = unescape(response.content.decode())
    assert f'<div id="interval-line-{alice_bob.pk}" hx-swap-oob="true">' in html
    assert "Nothing logged yet this interval" not in html
    assert "You've worked on 1 of the" in html
    assert "1 entry, last just now" in html


@pytest.mark.django_db
def test_the_htmx_progress_post_sends_the_line_alone_in_the_same_queries_for_2_or_12_rows(
    alice_bob: Engagement, bob: User
) -> None:
    make_session(alice_bob, at=timezone.now() - dt.timedelta(days=3), status="held")
    make_session(alice_bob, at=timezone.now() + dt.timedelta(days=7))
    homework = make_homework(alice_bob, status="confirmed", created_at=timezone.now() - dt.timedelta(days=2))
    from legwork.conversation.models import Message

    Message.objects.create(homework=homework, engagement=alice_bob, author=alice_bob.coach, body="Good start")
    web = signed_in(bob)
    prefix = f"progress-{homework.pk}"
    assert "From " in web.get(reverse("home")).content.decode()  # the coach's news, on the page itself

    def add(count: int) -> None:
        for _ in range(count):
            make_progress(
                make_homework(alice_bob, status="confirmed", created_at=timezone.now() - dt.timedelta(days=1))
            )
            make_progress(homework)

    def post() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            response = web.post(reverse("progress_log", args=[homework.pk]), {f"{prefix}-quick": "15"}, **HTMX)
        assert response.status_code == 200
        # Copied now: a CaptureQueriesContext reads the connection's log when asked, and the next request
        # outside one empties that log (so a count read later would be 0).
        return [query["sql"] for query in queries.captured_queries]

    post()
    add(2)
    few = post()
    add(10)
    many = post()
    html = unescape(
        web.post(reverse("progress_log", args=[homework.pk]), {f"{prefix}-quick": "15"}, **HTMX).content.decode()
    )
    assert len(many) == len(few), many
    # Only the interval's own line comes again, not the coach's news or the rest of the home page.
    assert f'id="interval-line-{alice_bob.pk}" hx-swap-oob="true"' in html
    assert "From " not in html
    # The session, the user, the homework, the entry written, the card; the line: the next session with
    # where its interval began, the days of the interval's entries and its thinking time (insights.panels).
    assert len(few) <= 10, few


def test_a_client_with_two_coaches_sees_them_in_the_same_order_every_time(
    alice_bob: Engagement, bob: User, carol: User
) -> None:
    """The longest-standing coaching first, by when it began, not by the order rows happen to come in:
    Carol's engagement is the newer row but began a month before Alice's."""
    Engagement.objects.create(coach=carol, client=bob, created_at=alice_bob.created_at - dt.timedelta(days=30))
    for _ in range(3):
        page = unescape(signed_in(bob).get(reverse("client_home")).content.decode())
        assert page.index("Carol Coach") < page.index("Alice Coach")
