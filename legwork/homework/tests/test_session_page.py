"""The session page: prepared before it starts, then review and wrap-up; the engagement page's queries."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.homework.models import Homework

from .pages import HTMX, signed_in, wrap_up_data


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
