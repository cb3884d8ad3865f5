"""Homework pages: client home, homework page, confirm, change, edit, progress, review and wrap-up."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.homework.models import Homework, ProgressEntry

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def wrap_up_data(rows: list[dict[str, str]], total: int | None = None, **extra: str) -> dict[str, str]:
    data = {
        "homework-TOTAL_FORMS": str(len(rows) if total is None else total),
        "homework-INITIAL_FORMS": "0",
        "homework-MIN_NUM_FORMS": "0",
        "homework-MAX_NUM_FORMS": "12",
        **extra,
    }
    for index, row in enumerate(rows):
        data.update({f"homework-{index}-{key}": value for key, value in {"purpose": "act", **row}.items()})
    return data


@pytest.fixture
def homework(alice_bob: Engagement) -> Homework:
    # Agreed at last week's session: work on it may be dated any day since.
    return make_homework(alice_bob, "Ask Dana for a coffee", created_at=timezone.now() - dt.timedelta(days=7))


@pytest.fixture
def session(alice_bob: Engagement) -> Session:
    return make_session(alice_bob, at=timezone.now() - dt.timedelta(minutes=50))


# --- Ownership and roles -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_other_coach_and_client_get_404_for_every_homework_page(
    homework: Homework, session: Session, carol: User, dan: User
) -> None:
    for person in (carol, dan):
        client = signed_in(person)
        assert client.get(reverse("homework", args=[homework.pk])).status_code == 404
        assert client.get(reverse("homework_edit", args=[homework.pk])).status_code == 404
        assert client.get(reverse("homework_request_change", args=[homework.pk])).status_code == 404
        for name, args, data in [
            ("homework_confirm", [homework.pk], {}),
            ("homework_request_change", [homework.pk], {"note": "x"}),
            ("homework_edit", [homework.pk], {"title": "Mine now", "purpose": "act"}),
            ("progress_log", [homework.pk], {f"progress-{homework.pk}-note": "x"}),
            ("homework_review", [session.pk, homework.pk], {f"review-{homework.pk}-outcome": "done"}),
            ("session_wrap_up", [session.pk], wrap_up_data([{"title": "x"}])),
        ]:
            assert client.post(reverse(name, args=args), data).status_code == 404, name
    homework.refresh_from_db()
    assert (homework.status, homework.title, homework.outcome) == ("proposed", "Ask Dana for a coffee", "")
    assert not ProgressEntry.objects.exists()
    assert Homework.objects.count() == 1


@pytest.mark.django_db
def test_a_coach_cannot_review_their_own_homework_through_another_clients_session(
    alice: User, homework: Homework, carol_dan: Engagement
) -> None:
    # Carol's session with alice's homework id, and alice's session with carol's homework id.
    carol_session = make_session(carol_dan)
    their_homework = make_homework(carol_dan)
    own_session = make_session(homework.engagement)
    client = signed_in(alice)
    data = {f"review-{their_homework.pk}-outcome": "done"}
    assert client.post(reverse("homework_review", args=[carol_session.pk, homework.pk]), data).status_code == 404
    assert client.post(reverse("homework_review", args=[own_session.pk, their_homework.pk]), data).status_code == 404
    their_homework.refresh_from_db()
    assert their_homework.outcome == ""


@pytest.mark.django_db
def test_the_client_cannot_do_the_coachs_homework_actions(homework: Homework, session: Session, bob: User) -> None:
    client = signed_in(bob)
    assert client.get(reverse("homework_edit", args=[homework.pk])).status_code == 403
    assert (
        client.post(reverse("homework_edit", args=[homework.pk]), {"title": "x", "purpose": "act"}).status_code == 403
    )
    data = {f"review-{homework.pk}-outcome": "done"}
    assert client.post(reverse("homework_review", args=[session.pk, homework.pk]), data).status_code == 403
    assert client.post(reverse("session_wrap_up", args=[session.pk]), wrap_up_data([{"title": "x"}])).status_code == 403
    homework.refresh_from_db()
    assert homework.outcome == ""
    assert Homework.objects.count() == 1


@pytest.mark.django_db
def test_the_coach_cannot_confirm_or_log_progress_for_the_client(homework: Homework, alice: User) -> None:
    client = signed_in(alice)
    assert client.post(reverse("homework_confirm", args=[homework.pk])).status_code == 403
    assert client.post(reverse("homework_request_change", args=[homework.pk]), {"note": "x"}).status_code == 403
    data = {f"progress-{homework.pk}-note": "I did it for them"}
    assert client.post(reverse("progress_log", args=[homework.pk]), data).status_code == 403
    homework.refresh_from_db()
    assert homework.status == "proposed"
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_homework_ids_that_are_not_numbers_or_not_there_are_404(bob: User) -> None:
    client = signed_in(bob)
    for path in ["/homework/0/", "/homework/abc/", "/homework/99999/confirm/", "/homework/1.5/progress/"]:
        assert client.get(path).status_code in (404, 405), path
        assert client.post(path).status_code == 404, path


# --- Client home, confirm, change ------------------------------------------------------------


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
    # panels: reminders, the interval line (homework, entries, thinking time), the news, the notebook (2).
    assert len(few) <= 12, [q["sql"] for q in few.captured_queries]


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


# --- Progress -------------------------------------------------------------------------------


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


# --- Review --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_coach_reviews_and_carries_over_into_the_next_interval(
    homework: Homework, session: Session, alice: User
) -> None:
    later = make_session(homework.engagement, at=timezone.now() + dt.timedelta(days=14))
    page = signed_in(alice).get(reverse("session", args=[session.pk])).content.decode()
    assert "Ask Dana for a coffee" in page
    prefix = f"review-{homework.pk}"
    data = {f"{prefix}-outcome": "not_done", f"{prefix}-reason": "procrastination", f"{prefix}-decision": "carry_over"}
    response = signed_in(alice).post(reverse("homework_review", args=[session.pk, homework.pk]), data)
    assert response.status_code == 302
    homework.refresh_from_db()
    assert (homework.outcome, homework.reason, homework.reviewed_in) == ("not_done", "procrastination", session)
    carried = Homework.objects.get(carried_from=homework)
    assert carried.agreed_in == session
    # It belongs to the new interval: due at the next session, never on the one being reviewed.
    assert carried.due_on == timezone.localtime(later.scheduled_at, homework.engagement.client.zone).date()
    page = signed_in(alice).get(reverse("session", args=[session.pk])).content.decode()
    assert "Reviewed in this session" in page
    # A second post (another tab) changes nothing.
    response = signed_in(alice).post(reverse("homework_review", args=[session.pk, homework.pk]), data)
    assert response.status_code == 302
    assert Homework.objects.count() == 2


@pytest.mark.django_db
def test_a_session_that_has_not_started_is_prepared_not_reviewed_or_wrapped_up(homework: Homework, alice: User) -> None:
    upcoming = make_session(homework.engagement, at=timezone.now() + dt.timedelta(days=2))
    client = signed_in(alice)
    page = client.get(reverse("session", args=[upcoming.pk])).content.decode()
    assert "The review opens when the session starts" in page
    assert "The wrap-up opens when the session starts" in page
    assert "Ask Dana for a coffee" in page
    assert reverse("session_wrap_up", args=[upcoming.pk]) not in page
    prefix = f"review-{homework.pk}"
    response = client.post(reverse("homework_review", args=[upcoming.pk, homework.pk]), {f"{prefix}-outcome": "done"})
    assert response.status_code == 302
    response = client.post(
        reverse("session_wrap_up", args=[upcoming.pk]), wrap_up_data([{"title": "Too soon"}]), follow=True
    )
    assert "review and wrap it up once it has started" in unescape(response.content.decode())
    homework.refresh_from_db()
    upcoming.refresh_from_db()
    assert homework.outcome == ""
    assert upcoming.status == "scheduled"
    assert Homework.objects.count() == 1


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
def test_resolving_an_agenda_item_of_another_engagement_is_404(
    alice_bob: Engagement, session: Session, alice: User, carol_dan: Engagement
) -> None:
    theirs = AgendaItem.objects.create(engagement=carol_dan, text="Not yours")
    response = signed_in(alice).post(reverse("agenda_item_resolve", args=[session.pk, theirs.pk]))
    assert response.status_code == 404
    assert signed_in(alice).post(reverse("agenda_item_resolve", args=[session.pk, 99999])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.resolved_at is None


@pytest.mark.django_db
def test_deciding_to_change_opens_the_new_homework_to_edit(homework: Homework, session: Session, alice: User) -> None:
    prefix = f"review-{homework.pk}"
    data = {f"{prefix}-outcome": "not_done", f"{prefix}-reason": "unclear", f"{prefix}-decision": "change"}
    response = signed_in(alice).post(reverse("homework_review", args=[session.pk, homework.pk]), data)
    changed = Homework.objects.get(carried_from=homework)
    assert response["Location"] == reverse("homework_edit", args=[changed.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({"outcome": ""}, "outcome", "This field is required."),
        ({"outcome": "finished"}, "outcome", "Select a valid choice"),
        ({"outcome": "not_done", "decision": "drop"}, "reason", "Pick the reason it didn't happen."),
        ({"outcome": "not_done", "reason": "time"}, "decision", "Decide together"),
        ({"outcome": "not_done", "reason": "lazy", "decision": "drop"}, "reason", "Select a valid choice"),
        ({"outcome": "done", "note": "N" * 501}, "note", "at most 500 characters"),
    ],
)
def test_a_bad_review_is_kept_with_the_error_beside_the_field(
    homework: Homework, session: Session, alice: User, data: dict[str, str], field: str, error: str
) -> None:
    prefix = f"review-{homework.pk}"
    web = signed_in(alice)
    posted = {f"{prefix}-{k}": v for k, v in data.items()}
    response = web.post(reverse("homework_review", args=[session.pk, homework.pk]), posted, follow=True)
    # Post/redirect/get: the page comes back at its own URL (safe to reload), the form as posted.
    assert response.redirect_chain == [(f"{reverse('session', args=[session.pk])}#{prefix}", 302)]
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert error in html
    assert f'id="id_{prefix}-{field}_error"' in html
    if "note" in data:
        assert data["note"] in html
    homework.refresh_from_db()
    assert homework.outcome == ""
    # Kept once: a reload shows the page afresh.
    assert error not in unescape(web.get(reverse("session", args=[session.pk])).content.decode())
    # With htmx the review is swapped in place, in a status htmx swaps (no console error).
    swapped = web.post(reverse("homework_review", args=[session.pk, homework.pk]), posted, HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200
    fragment = unescape(swapped.content.decode())
    assert fragment.lstrip().startswith(
        f'<form method="post" action="{reverse("homework_review", args=[session.pk, homework.pk])}"'
    )
    assert error in fragment
    assert f'id="id_{prefix}-{field}_error"' in fragment


@pytest.mark.django_db
def test_the_review_forms_post_address_sends_a_reload_back_to_the_page(
    homework: Homework, session: Session, alice: User
) -> None:
    response = signed_in(alice).get(reverse("homework_review", args=[session.pk, homework.pk]))
    assert (response.status_code, response["Location"]) == (302, reverse("session", args=[session.pk]))


# --- Wrap-up --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_coach_wraps_up_with_several_homework_and_the_next_session(
    alice_bob: Engagement, session: Session, alice: User
) -> None:
    goal = alice_bob.goals.create(title="A design job")
    data = wrap_up_data(
        [
            {"title": "Talk to two UX researchers", "purpose": "explore", "goal": str(goal.pk)},
            {"title": "Update my CV", "first_step": "Open the file", "plan_when": "Sat 9am", "plan_where": "café"},
            {"title": "", "purpose": "act"},
        ],
        next_session_at="2030-05-20T17:30",
    )
    response = signed_in(alice).post(reverse("session_wrap_up", args=[session.pk]), data)
    assert response.status_code == 302
    created = list(Homework.objects.filter(agreed_in=session).order_by("pk"))
    assert [item.title for item in created] == ["Talk to two UX researchers", "Update my CV"]
    assert created[0].goal == goal
    assert created[1].plan_where == "café"
    assert {item.due_on for item in created} == {dt.date(2030, 5, 20)}
    assert Session.objects.get(scheduled_at=dt.datetime(2030, 5, 20, 16, 30, tzinfo=dt.UTC)).status == "scheduled"
    session.refresh_from_db()
    assert session.status == "held"


@pytest.mark.django_db
@pytest.mark.parametrize("htmx", [False, True])
def test_add_another_row_keeps_what_was_typed(session: Session, alice: User, htmx: bool) -> None:
    data = wrap_up_data([{"title": "Typed already"}, {"title": ""}], add_row="1", next_session_at="2030-05-20T17:30")
    headers: dict[str, Any] = HTMX if htmx else {}
    response = signed_in(alice).post(reverse("session_wrap_up", args=[session.pk]), data, follow=not htmx, **headers)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    # Without JS it is post/redirect/get: the address bar ends on the page itself.
    assert getattr(response, "redirect_chain", []) == (
        [] if htmx else [(reverse("session", args=[session.pk]) + "#wrap-up", 302)]
    )
    assert ("<html" in html) is not htmx
    assert 'name="homework-TOTAL_FORMS" value="3"' in html
    assert "homework-2-title" in html
    assert 'value="Typed already"' in html
    assert 'value="2030-05-20T17:30"' in html
    assert not Homework.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        (wrap_up_data([{"title": "T" * 201}]), "at most 200 characters"),
        (wrap_up_data([{"title": "Ok", "due_on": "not a date"}]), "Enter a valid date."),
        (wrap_up_data([{"title": "Ok", "purpose": "wander"}]), "Select a valid choice"),
        (wrap_up_data([{"title": "Ok"}], next_session_at="2020-01-01T10:00"), "needs to be in the future"),
        (wrap_up_data([{"title": "Ok"}], next_session_at="soon"), "Enter a valid date/time."),
        (wrap_up_data([{"title": "Ok"}], total=5000), "Please submit at most 12 forms."),
        (wrap_up_data([{"title": "Ok"}], total="lots"), "ManagementForm data is missing or has been tampered with"),  # type: ignore[arg-type]
        ({"homework-0-title": "Ok"}, "ManagementForm data is missing or has been tampered with"),
    ],
)
def test_bad_wrap_up_input_is_kept_and_nothing_is_saved(
    session: Session, alice: User, data: dict[str, str], error: str
) -> None:
    response = signed_in(alice).post(reverse("session_wrap_up", args=[session.pk]), data, follow=True)
    assert response.redirect_chain == [(reverse("session", args=[session.pk]) + "#wrap-up", 302)]
    html = unescape(response.content.decode())
    assert error in html
    title = data.get("homework-0-title", "")
    if title and data.get("homework-TOTAL_FORMS", "x").isdigit():
        assert f'value="{title}"' in html
    assert not Homework.objects.exists()
    session.refresh_from_db()
    assert session.status == "scheduled"


@pytest.mark.django_db
def test_to_explore_shows_on_the_next_sessions_agenda_and_coach_home(alice_bob: Engagement, alice: User) -> None:
    homework = make_homework(alice_bob)
    AgendaItem.objects.create(
        engagement=alice_bob, kind=AgendaItem.Kind.TO_EXPLORE, homework=homework, text="“Ask Dana” carried over 2 times"
    )
    later = make_session(alice_bob)
    html = signed_in(alice).get(reverse("session", args=[later.pk])).content.decode()
    assert "To explore" in html
    assert "carried over 2 times" in html
    assert "To explore" in signed_in(alice).get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_session_page_query_count_does_not_grow_with_homework_or_wrap_up_rows(
    alice_bob: Engagement, session: Session, alice: User
) -> None:
    for index in range(3):
        alice_bob.goals.create(title=f"Goal {index}")
    later = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=14))
    client = signed_in(alice)
    client.get(reverse("session", args=[later.pk]))

    def add(count: int) -> None:
        for _ in range(count):
            make_progress(make_homework(alice_bob, status="confirmed", created_at=session.scheduled_at))
            make_homework(alice_bob, agreed_in=later)
            AgendaItem.objects.create(engagement=alice_bob, kind="to_explore", text="x")

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("session", args=[later.pk]))
    add(10)
    more_rows = wrap_up_data([{"title": ""}] * 8, add_row="1")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("session", args=[later.pk]))
    assert len(response.context["to_review"]) == 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    page_queries = len(many)
    assert client.post(reverse("session_wrap_up", args=[later.pk]), more_rows).status_code == 302
    with CaptureQueriesContext(connection) as with_rows:
        assert client.get(reverse("session", args=[later.pk])).status_code == 200
    # The same page plus taking the kept rows from the session (write, transaction); never one per row.
    assert len(with_rows) <= page_queries + 3


@pytest.mark.django_db
def test_engagement_page_query_count_does_not_grow_with_history(alice_bob: Engagement, alice: User) -> None:
    client = signed_in(alice)
    client.get(reverse("engagement", args=[alice_bob.pk]))

    def add(count: int) -> None:
        for _ in range(count):
            make_session(alice_bob, status="held")
            make_progress(make_homework(alice_bob, goal=alice_bob.goals.create(title="g")))

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("engagement", args=[alice_bob.pk]))
    add(10)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("engagement", args=[alice_bob.pk]))
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


@pytest.mark.django_db
def test_a_double_clicked_wrap_up_is_saved_once(session: Session, alice: User) -> None:
    client = signed_in(alice)
    page = client.get(reverse("session", args=[session.pk]))
    once = page.context["wrap_up_once"]
    assert f'name="once" value="{once}"' in page.content.decode()
    data = wrap_up_data([{"title": "Update my CV"}], once=once)
    assert client.post(reverse("session_wrap_up", args=[session.pk]), data).status_code == 302
    assert client.post(reverse("session_wrap_up", args=[session.pk]), data).status_code == 302
    assert Homework.objects.count() == 1
    # A fresh form (a new key) is a new wrap-up.
    client.post(reverse("session_wrap_up", args=[session.pk]), wrap_up_data([{"title": "Another"}], once="fresh"))
    assert Homework.objects.count() == 2


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
def test_a_bad_review_of_reviewed_homework_changes_nothing_and_shows_no_form(
    alice_bob: Engagement, session: Session, alice: User
) -> None:
    homework = make_homework(alice_bob, outcome="done")
    prefix = f"review-{homework.pk}"
    response = signed_in(alice).post(
        reverse("homework_review", args=[session.pk, homework.pk]), {f"{prefix}-outcome": "sideways"}
    )
    assert response.status_code == 302
    homework.refresh_from_db()
    assert homework.outcome == "done"


@pytest.mark.django_db
def test_client_home_shows_the_if_then_plan_in_the_clients_words(alice_bob: Engagement, bob: User) -> None:
    make_session(alice_bob)
    make_homework(alice_bob, plan_when="Tuesday evening", plan_where="at the kitchen table", status="confirmed")
    make_homework(alice_bob, "Walk and think", plan_where="in the park", status="confirmed")
    html = unescape(signed_in(bob).get(reverse("home")).content.decode())
    assert "<strong>Plan:</strong> Tuesday evening, at the kitchen table</p>" in html
    assert "<strong>Plan:</strong> in the park</p>" in html


# --- The session page as it runs (issue 12) -----------------------------------------------------


@pytest.mark.django_db
def test_the_wrap_up_rows_choose_no_purpose_and_show_the_plan_fields(session: Session, alice: User) -> None:
    html = signed_in(alice).get(reverse("session", args=[session.pk])).content.decode()
    assert re.search(r'name="homework-0-purpose"', html)
    assert not re.search(r'<input type="radio" name="homework-\d+-purpose"[^>]*checked', html)
    # Nothing of the wrap-up is folded away (the top bar's menu is a <details> too, outside main).
    assert "<details" not in html.split('id="wrap-up"')[1].split("</main>")[0]
    data = wrap_up_data([{"title": "No purpose yet", "purpose": ""}])
    response = signed_in(alice).post(reverse("session_wrap_up", args=[session.pk]), data, follow=True)
    html = unescape(response.content.decode())
    assert "Choose one: explore" in html
    assert 'value="No purpose yet"' in html
    assert not Homework.objects.filter(title="No purpose yet").exists()


@pytest.mark.django_db
def test_the_wrap_up_form_is_gone_once_wrapped_up_until_asked_for(session: Session, alice: User) -> None:
    web = signed_in(alice)
    web.post(reverse("session_wrap_up", args=[session.pk]), wrap_up_data([{"title": "Call Dana"}]))
    page = web.get(reverse("session", args=[session.pk]))
    html = page.content.decode()
    assert page.context["stage"] == "closed"
    assert 'name="homework-0-title"' not in html
    assert "Add more homework" in html
    assert 'name="homework-0-title"' in web.get(reverse("session", args=[session.pk]) + "?more=1").content.decode()


@pytest.mark.django_db
def test_the_page_has_one_agenda(session: Session, alice: User) -> None:
    html = signed_in(alice).get(reverse("session", args=[session.pk])).content.decode()
    assert html.count(">Agenda<") == 1
    assert 'name="agenda"' not in html


@pytest.mark.django_db
def test_the_stages_run_before_review_wrap_up(homework: Homework, alice: User) -> None:
    upcoming = make_session(homework.engagement, at=timezone.now() + dt.timedelta(days=1))
    web = signed_in(alice)
    before = web.get(reverse("session", args=[upcoming.pk]))
    assert before.context["stage"] == "before"
    assert "Read the brief" in before.content.decode()
    started = make_session(homework.engagement, at=timezone.now() - dt.timedelta(minutes=5))
    assert web.get(reverse("session", args=[started.pk])).context["stage"] == "review"
    one = web.get(reverse("session", args=[started.pk]) + "?one=1")
    assert len(one.context["to_review"]) == 1
    prefix = f"review-{homework.pk}"
    web.post(reverse("homework_review", args=[started.pk, homework.pk]), {f"{prefix}-outcome": "done"})
    assert web.get(reverse("session", args=[started.pk])).context["stage"] == "wrap-up"


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
    # where its interval began, the interval's homework, entries and thinking time (insights.panels).
    assert len(few) <= 11, few
