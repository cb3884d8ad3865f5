"""The thread on a homework and the coach's acknowledgements, through the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework, make_progress, make_session
from legwork.conversation.models import Acknowledgement, Message
from legwork.conversation.panels import waiting_for_answer
from legwork.homework.models import Homework
from legwork.insights.models import Reflection
from legwork.reminders.models import Kind, Reminder

pytestmark = pytest.mark.django_db


def as_user(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def homework(alice_bob: Any) -> Homework:
    return make_homework(alice_bob, status=Homework.Status.CONFIRMED)


def test_it_shows_the_thread_newest_last_on_the_homework_page(homework: Homework, alice: Any, bob: Any) -> None:
    as_user(bob).post(reverse("thread", args=[homework.pk]), {"body": "First, I'm *stuck*"})
    as_user(alice).post(reverse("thread", args=[homework.pk]), {"body": "Second: try Dana"})
    page = as_user(bob).get(reverse("homework", args=[homework.pk])).content.decode()
    assert page.index("<em>stuck</em>") < page.index("Second: try Dana")


def test_it_renders_markdown_safely(homework: Homework, bob: Any) -> None:
    as_user(bob).post(
        reverse("thread", args=[homework.pk]), {"body": "<script>alert(1)</script> [x](javascript:alert(1))"}
    )
    page = as_user(bob).get(reverse("thread", args=[homework.pk])).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page


def test_an_empty_message_re_renders_with_an_error_and_saves_nothing(homework: Homework, bob: Any) -> None:
    response = as_user(bob).post(reverse("thread", args=[homework.pk]), {"body": "   "})
    assert response.status_code == 400
    assert "has-error" in response.content.decode()
    assert not Message.objects.exists()


def test_a_too_long_message_keeps_its_text(homework: Homework, bob: Any) -> None:
    response = as_user(bob).post(reverse("thread", args=[homework.pk]), {"body": "x" * 5001})
    assert response.status_code == 400
    assert "x" * 5001 in response.content.decode()


def test_another_coach_and_another_client_get_404(homework: Homework, carol: Any, dan: Any, carol_dan: Any) -> None:
    for person in (carol, dan):
        assert as_user(person).get(reverse("thread", args=[homework.pk])).status_code == 404
        assert as_user(person).post(reverse("thread", args=[homework.pk]), {"body": "hi"}).status_code == 404
    assert not Message.objects.exists()


def test_a_client_cannot_keep_a_change(homework: Homework, bob: Any) -> None:
    homework.request_change("Smaller please")
    assert as_user(bob).post(reverse("thread_keep", args=[homework.pk])).status_code == 403


def test_a_change_request_opens_the_thread_and_the_coach_keeps_it(
    alice_bob: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    homework = make_homework(alice_bob)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(bob).post(
            reverse("homework_request_change", args=[homework.pk]), {"note": "Two applications, not five"}
        )
    first = Message.objects.get()
    assert (first.kind, first.body, first.author) == (Message.Kind.CHANGE_REQUEST, "Two applications, not five", bob)
    assert [h.pk for h in waiting_for_answer(alice)] == [homework.pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(alice).post(reverse("thread_keep", args=[homework.pk]), {"body": "Five is the stretch"})
    assert response.status_code == 302
    homework.refresh_from_db()
    assert homework.status == Homework.Status.PROPOSED
    assert list(Message.objects.values_list("kind", flat=True)) == ["change_request", "kept"]
    assert waiting_for_answer(alice) == []
    # Keeping twice: nothing to answer any more.
    as_user(alice).post(reverse("thread_keep", args=[homework.pk]), {"body": "again"})
    assert Message.objects.count() == 2
    # The client is told; the coach's reminder of the change request is the reminders app's own.
    assert Reminder.objects.filter(recipient=bob, kind=Kind.THREAD).count() == 1


def test_the_coach_accepts_a_change_by_rewriting_it(
    alice_bob: Any, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    homework = make_homework(alice_bob)
    with django_capture_on_commit_callbacks(execute=True):
        as_user(bob).post(reverse("homework_request_change", args=[homework.pk]), {"note": "Two, not five"})
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(alice).post(
            reverse("homework_edit", args=[homework.pk]),
            {"title": "Send two applications", "purpose": "act", "due_on": homework.due_on.isoformat()},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Message.objects.values_list("kind", flat=True)) == ["change_request", "accepted"]
    homework.refresh_from_db()
    assert homework.status == Homework.Status.PROPOSED
    # A later rewrite with no change asked for says nothing in the thread.
    with django_capture_on_commit_callbacks(execute=True):
        as_user(alice).post(
            reverse("homework_edit", args=[homework.pk]),
            {"title": "Send three", "purpose": "act", "due_on": homework.due_on.isoformat()},
        )
    assert Message.objects.count() == 2


def test_waiting_for_an_answer_is_oldest_first(alice_bob: Any, alice: Any, bob: Any) -> None:
    older, newer = make_homework(alice_bob, title="Older"), make_homework(alice_bob, title="Newer")
    now = timezone.now()
    Message.objects.create(homework=newer, engagement=alice_bob, author=bob, body="b", created_at=now)
    Message.objects.create(
        homework=older, engagement=alice_bob, author=bob, body="a", created_at=now - dt.timedelta(days=1)
    )
    answered = make_homework(alice_bob, title="Answered")
    Message.objects.create(
        homework=answered, engagement=alice_bob, author=bob, body="q", created_at=now - dt.timedelta(days=2)
    )
    Message.objects.create(
        homework=answered, engagement=alice_bob, author=alice, body="a", created_at=now - dt.timedelta(days=1)
    )
    assert [h.title for h in waiting_for_answer(alice)] == ["Older", "Newer"]
    page = as_user(alice).get(reverse("coach_home")).content.decode()
    assert page.index("Older") < page.index("Newer")
    assert "Waiting for your answer" in page


def test_waiting_for_an_answer_is_one_query_and_one_more_when_something_waits(
    alice_bob: Any, alice: Any, bob: Any, django_assert_num_queries: Any
) -> None:
    answered = make_homework(alice_bob, title="Answered")
    Message.objects.create(homework=answered, engagement=alice_bob, author=bob, body="?")
    Message.objects.create(homework=answered, engagement=alice_bob, author=alice, body="!")
    with django_assert_num_queries(1):
        assert waiting_for_answer(alice) == []
    for n in range(5):
        homework = make_homework(alice_bob, title=f"H{n}")
        for _ in range(3):
            Message.objects.create(homework=homework, engagement=alice_bob, author=bob, body="?")
    with django_assert_num_queries(2):
        waiting = waiting_for_answer(alice)
        assert [h.title for h in waiting] == [f"H{n}" for n in range(5)]
        assert {h.engagement.client for h in waiting} == {bob}  # loaded with the homework, no query more


def test_the_coach_marks_progress_seen_and_the_client_sees_it(
    homework: Homework, alice: Any, bob: Any, django_capture_on_commit_callbacks: Any
) -> None:
    entry = make_progress(homework, note="Called Dana")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(alice).post(reverse("acknowledge_progress", args=[entry.pk]), {"word": "Good call on asking Dana"})
    as_user(alice).post(reverse("acknowledge_progress", args=[entry.pk]), {"word": "Good call on asking Dana"})
    assert Acknowledgement.objects.get().word == "Good call on asking Dana"
    page = as_user(bob).get(reverse("homework", args=[homework.pk])).content.decode()
    assert "Seen by Alice Coach" in page
    assert "Good call on asking Dana" in page
    assert Reminder.objects.filter(recipient=bob, kind=Kind.ACKNOWLEDGED).count() == 1


def test_a_client_cannot_acknowledge_and_others_get_404(
    homework: Homework, bob: Any, carol: Any, carol_dan: Any
) -> None:
    entry = make_progress(homework)
    assert as_user(bob).post(reverse("acknowledge_progress", args=[entry.pk])).status_code == 403
    assert as_user(carol).post(reverse("acknowledge_progress", args=[entry.pk])).status_code == 404
    assert not Acknowledgement.objects.exists()


def test_the_coach_marks_a_reflection_read(alice_bob: Any, alice: Any, bob: Any, carol: Any, carol_dan: Any) -> None:
    session = make_session(alice_bob)
    Reflection.objects.create(session=session, what_i_did="Two applications")
    assert as_user(carol).post(reverse("acknowledge_reflection", args=[session.pk])).status_code == 404
    assert as_user(bob).post(reverse("acknowledge_reflection", args=[session.pk])).status_code == 403
    as_user(alice).post(reverse("acknowledge_reflection", args=[session.pk]), {"word": "Thank you"})
    ack = Acknowledgement.objects.get()
    assert ack.reflection is not None
    assert ack.reflection.session == session
    page = as_user(alice).get(reverse("session", args=[session.pk])).content.decode()
    assert "Reflection read" in page
    page = as_user(bob).get(reverse("reflection_edit", args=[session.pk])).content.decode()
    assert "Read by Alice Coach" in page
    assert "Thank you" in page


def test_the_client_home_shows_the_coachs_latest_words(homework: Homework, alice: Any, bob: Any) -> None:
    as_user(alice).post(reverse("thread", args=[homework.pk]), {"body": "How did it go?"})
    kept = make_homework(homework.engagement, "Kept as it was", status=Homework.Status.CONFIRMED)
    Message.objects.create(homework=kept, engagement=kept.engagement, author=alice, kind=Message.Kind.KEPT, body="")
    reviewed = make_homework(homework.engagement, "Reviewed already", outcome="done")
    Message.objects.create(homework=reviewed, engagement=reviewed.engagement, author=alice, body="Well done")
    page = as_user(bob).get(reverse("client_home")).content.decode()
    assert "From Alice Coach" in page
    assert f'<a href="/homework/{homework.pk}/#thread">{homework.title}</a>' in page
    assert f'<a href="/homework/{kept.pk}/#thread">Kept as it was</a>' in page
    assert ": kept as it was</span>" in page
    assert "Reviewed already" not in page  # the interval's homework only
