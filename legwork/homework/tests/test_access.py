"""Homework pages, who may see and do what: the other coach and client get 404, a client cannot do a
coach's action, nor a coach a client's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import make_homework, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, ProgressEntry

from .pages import signed_in, wrap_up_data


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
