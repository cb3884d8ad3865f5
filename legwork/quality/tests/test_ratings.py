"""Rating homework, blind: the service's rules, and the pages that must obey them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework, make_session
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.homework.models import Homework
from legwork.lib.rules import RuleBroken
from legwork.quality.metrics import quality_over_intervals
from legwork.quality.models import QualityRating, rating_pairs
from legwork.quality.pages import LINES_SHOWN, quality_lines
from legwork.quality.services import quality_rate


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def live(alice_bob: Engagement) -> Session:
    """A session going on now (started ten minutes ago)."""
    return make_session(alice_bob, at=timezone.now() - dt.timedelta(minutes=10))


@pytest.fixture
def done(alice_bob: Engagement, live: Session) -> Homework:
    item = make_homework(
        alice_bob,
        "Ask Sam for an informational interview",
        status=Homework.Status.CONFIRMED,
        created_at=timezone.now() - dt.timedelta(days=10),
    )
    item.record_outcome(outcome="done", reason="", decision="", note="", session=live)
    return item


def test_each_sees_only_their_own_until_both_have_rated(alice: User, bob: User, done: Homework) -> None:
    quality_rate(homework=done, by=bob, how_well=4, usefulness=3, word="energising")
    bob_page = signed_in(bob).get(reverse("homework", args=[done.pk])).content.decode()
    alice_page = signed_in(alice).get(reverse("homework", args=[done.pk])).content.decode()
    assert "energising" in bob_page
    assert "energising" not in alice_page
    assert "has rated it too" in alice_page
    quality_rate(homework=done, by=alice, how_well=2, usefulness=1, word="thin")
    alice_page = signed_in(alice).get(reverse("homework", args=[done.pk])).content.decode()
    bob_page = signed_in(bob).get(reverse("homework", args=[done.pk])).content.decode()
    assert "energising" in alice_page
    assert "thin" in bob_page


def test_a_lone_rating_shows_once_the_session_has_ended(alice: User, bob: User, done: Homework, live: Session) -> None:
    quality_rate(homework=done, by=bob, how_well=3, usefulness=3, word="steady")
    assert "steady" not in signed_in(alice).get(reverse("homework", args=[done.pk])).content.decode()
    Session.objects.filter(pk=live.pk).update(scheduled_at=timezone.now() - dt.timedelta(hours=2))
    assert "steady" in signed_in(alice).get(reverse("homework", args=[done.pk])).content.decode()


def test_after_the_session_has_ended_no_rating_is_taken(bob: User, done: Homework, live: Session) -> None:
    Session.objects.filter(pk=live.pk).update(scheduled_at=timezone.now() - dt.timedelta(hours=2))
    done.refresh_from_db()
    with pytest.raises(RuleBroken, match="shown now"):
        quality_rate(homework=done, by=bob, how_well=3, usefulness=3)


def test_once_shown_neither_rating_changes(alice: User, bob: User, done: Homework) -> None:
    quality_rate(homework=done, by=bob, how_well=3, usefulness=3)
    quality_rate(homework=done, by=alice, how_well=3, usefulness=3)
    with pytest.raises(RuleBroken):
        quality_rate(homework=done, by=bob, how_well=1, usefulness=1)
    assert QualityRating.objects.get(homework=done, role="client").how_well == 3


def test_a_rating_given_again_while_blind_replaces_the_first(bob: User, done: Homework) -> None:
    quality_rate(homework=done, by=bob, how_well=2, usefulness=2)
    quality_rate(homework=done, by=bob, how_well=4, usefulness=3, word="on reflection")
    rating = QualityRating.objects.get(homework=done)
    assert (rating.how_well, rating.usefulness, rating.word) == (4, 3, "on reflection")


def test_the_coach_rates_at_review_and_the_client_before(alice: User, bob: User, alice_bob: Engagement) -> None:
    open_one = make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    with pytest.raises(RuleBroken, match="at the review"):
        quality_rate(homework=open_one, by=alice, how_well=3, usefulness=3)
    quality_rate(homework=open_one, by=bob, how_well=3, usefulness=3)  # in the reflection, before the review
    proposed = make_homework(alice_bob)
    with pytest.raises(RuleBroken, match="I'm in"):
        quality_rate(homework=proposed, by=bob, how_well=3, usefulness=3)


def test_not_done_homework_is_not_rated(bob: User, alice_bob: Engagement, live: Session) -> None:
    item = make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    item.record_outcome(outcome="not_done", reason="time", decision="drop", note="", session=live)
    with pytest.raises(RuleBroken, match="not done"):
        quality_rate(homework=item, by=bob, how_well=3, usefulness=3)


@pytest.mark.parametrize(
    ("how_well", "usefulness", "field"),
    [(0, 3, "how_well"), (3, 5, "usefulness"), ("3", 3, "how_well"), (True, 3, "how_well")],
)
def test_it_refuses_a_value_off_the_scale(
    bob: User, done: Homework, how_well: object, usefulness: object, field: str
) -> None:
    with pytest.raises(RuleBroken) as caught:
        quality_rate(homework=done, by=bob, how_well=how_well, usefulness=usefulness)
    assert caught.value.field == field
    assert not QualityRating.objects.exists()


def test_another_coach_can_neither_rate_nor_read(carol: User, dan: User, bob: User, done: Homework) -> None:
    quality_rate(homework=done, by=bob, how_well=3, usefulness=3, word="private-ish")
    with pytest.raises(PermissionDenied):
        quality_rate(homework=done, by=carol, how_well=1, usefulness=1)
    for stranger in (carol, dan):
        assert signed_in(stranger).get(reverse("homework_quality", args=[done.pk])).status_code == 404
        response = signed_in(stranger).post(reverse("homework_quality", args=[done.pk]), {f"q{done.pk}-how_well": 1})
        assert response.status_code == 404
    assert QualityRating.objects.count() == 1


def test_done_but_of_little_use_is_raised_to_explore_once_both_are_shown(
    alice: User, bob: User, done: Homework
) -> None:
    quality_rate(homework=done, by=bob, how_well=3, usefulness=1)
    assert not AgendaItem.objects.filter(kind="to_explore").exists()  # still blind: nothing is said yet
    quality_rate(homework=done, by=alice, how_well=3, usefulness=2)
    item = AgendaItem.objects.get(kind="to_explore")
    assert item.homework_id == done.pk
    assert "of little use" in item.text


def test_the_page_form_rates_and_a_mistake_comes_back_beside_the_field(bob: User, done: Homework) -> None:
    url = reverse("homework_quality", args=[done.pk])
    response = signed_in(bob).post(url, {f"q{done.pk}-usefulness": "3", f"q{done.pk}-word": "kept text"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "kept text" in text
    assert 'class="errors"' in text
    assert not QualityRating.objects.exists()
    response = signed_in(bob).post(url, {f"q{done.pk}-how_well": "4", f"q{done.pk}-usefulness": "3", "next": "/today/"})
    assert response.status_code == 302
    assert response["Location"] == "/today/"
    assert QualityRating.objects.get().how_well == 4


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "a b", "homework"])
def test_an_outside_or_odd_next_is_not_followed(bob: User, done: Homework, target: str) -> None:
    url = reverse("homework_quality", args=[done.pk])
    response = signed_in(bob).post(url, {f"q{done.pk}-how_well": "4", f"q{done.pk}-usefulness": "3", "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("homework", args=[done.pk])


def test_the_session_page_lets_each_rate_blind(alice: User, bob: User, done: Homework, live: Session) -> None:
    quality_rate(homework=done, by=bob, how_well=4, usefulness=4, word="loved-it")
    coach_view = signed_in(alice).get(reverse("session", args=[live.pk])).content.decode()
    assert "How well did it go?" in coach_view
    assert f'id="rate-{done.pk}"' in coach_view
    assert "loved-it" not in coach_view


def brief_queries(coach: User, session: Session) -> int:
    client = signed_in(coach)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("brief", args=[session.pk])).status_code == 200
    return len(captured)


def _history(engagement: Engagement, sessions: int) -> Session:
    """`sessions` past sessions, each reviewing two rated homework, then the next one."""
    start = timezone.now() - dt.timedelta(days=14 * sessions + 1)
    for n in range(sessions):
        held = make_session(engagement, at=start + dt.timedelta(days=14 * n), status=Session.Status.HELD)
        for k in range(2):
            item = make_homework(
                engagement,
                f"H{n}.{k}",
                status=Homework.Status.CONFIRMED,
                created_at=held.scheduled_at - dt.timedelta(days=10),
            )
            item.record_outcome(outcome="done", reason="", decision="", note="", session=held)
            # Written as rows: the session is over, so the service (rightly) takes no new rating.
            QualityRating.objects.create(
                homework=item, engagement=engagement, role="coach", how_well=3, usefulness=1 + k
            )
    return make_session(engagement, at=timezone.now() + dt.timedelta(days=3))


def test_the_brief_takes_as_many_queries_for_two_sessions_as_for_twelve(
    alice: User, carol: User, alice_bob: Engagement, carol_dan: Engagement
) -> None:
    few, many = _history(carol_dan, 2), _history(alice_bob, 12)
    page = signed_in(alice).get(reverse("brief", args=[many.pk])).content.decode()
    assert "How well it has been going" in page
    # A long history asks no more; a short one reads all its sessions for the recent pattern, one query more.
    assert brief_queries(alice, many) <= brief_queries(carol, few)


def _as_read_whole(engagement: Engagement) -> list[tuple[object, ...]]:
    """The lines as they were computed before `quality_lines` read only the latest sessions' homework."""
    everything = list(Homework.objects.filter(engagement=engagement).reviewed().select_related("reviewed_in"))
    lines = quality_over_intervals(everything, rating_pairs(everything), timezone.now())[-LINES_SHOWN:]
    return [(line.session, line.reviewed, line.done, line.rated, line.useful, line.done_little_use) for line in lines]


def _as_shown(engagement: Engagement) -> list[tuple[object, ...]]:
    return [
        (line.session, line.reviewed, line.done, line.rated, line.useful, line.done_little_use)
        for line in quality_lines(engagement)
    ]


def test_the_quality_lines_are_the_latest_review_sessions_read_from_their_homework_alone(
    alice_bob: Engagement,
) -> None:
    _history(alice_bob, 12)
    for n in range(2):
        item = make_homework(alice_bob, f"Reviewed without a session {n}", status=Homework.Status.CONFIRMED)
        Homework.objects.filter(pk=item.pk).update(outcome="done", reviewed_at=timezone.now())
    # A session at the same moment as the oldest one shown, reviewing one more homework: the tie is cut as before.
    sixth = Session.objects.filter(engagement=alice_bob, homework_reviewed__isnull=False).distinct()
    sixth_at = sorted({s.scheduled_at for s in sixth})[-LINES_SHOWN]
    twin = make_session(alice_bob, at=sixth_at, status=Session.Status.HELD)
    item = make_homework(alice_bob, "Reviewed at the twin", status=Homework.Status.CONFIRMED)
    item.record_outcome(outcome="partly", reason="time", decision="drop", note="", session=twin)
    shown = _as_shown(alice_bob)
    assert len(shown) == LINES_SHOWN
    assert shown[-1][0] is not None
    assert any(line[5] for line in shown)  # some done but of little use, as `_history` rated them
    assert shown == _as_read_whole(alice_bob)
    # With fewer review sessions than lines, the homework reviewed outside any session has its line, first.
    Homework.objects.filter(engagement=alice_bob).exclude(reviewed_in=None).exclude(
        reviewed_in__scheduled_at__gte=sixth_at
    ).delete()
    Session.objects.filter(engagement=alice_bob, scheduled_at__lt=sixth_at).delete()
    Homework.objects.filter(engagement=alice_bob, reviewed_in__scheduled_at=sixth_at).delete()
    shown = _as_shown(alice_bob)
    assert shown[0][0] is None
    assert shown[0][1] == 2
    assert len(shown) == LINES_SHOWN  # five sessions, and the line without one
    assert shown == _as_read_whole(alice_bob)
