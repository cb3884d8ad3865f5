"""The homework loop through its services: wrap-up, confirm, change, progress, review, carry-over, to explore."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from conftest import make_homework, make_session, make_user
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.homework import services
from legwork.homework.models import Decision, Homework, Outcome, ProgressEntry, Purpose, Reason
from legwork.homework.services import HomeworkDraft
from legwork.lib.rules import RuleBroken

UTC = dt.UTC


def draft(title: str = "Call two people in UX research", **kwargs: object) -> HomeworkDraft:
    return HomeworkDraft(title=title, purpose=kwargs.pop("purpose", Purpose.EXPLORE), **kwargs)  # type: ignore[arg-type]


def started(engagement: Engagement) -> Session:
    """A session that has begun: it can be reviewed and wrapped up."""
    return make_session(engagement, at=timezone.now() - dt.timedelta(minutes=30))


def review(homework: Homework, session: Session | None, outcome: str, **kwargs: str) -> Homework | None:
    return services.homework_review(
        homework=homework, session=session, outcome=outcome, by=homework.engagement.coach, **kwargs
    )


@pytest.mark.django_db(transaction=True)
def test_it_proposes_the_wrap_up_homework_due_at_the_next_session_in_the_clients_zone(alice: User) -> None:
    # The client is in Sydney: a session at 20:00 UTC on 3 March is the morning of 4 March there.
    client = make_user("sydney@example.com", tz="Australia/Sydney")
    engagement = Engagement.objects.create(coach=alice, client=client)
    session = make_session(engagement, at=dt.datetime(2026, 2, 17, 20, 0, tzinfo=UTC))
    with time_machine.travel(dt.datetime(2026, 2, 17, 21, 0, tzinfo=UTC), tick=False):
        next_session, created = services.session_wrap_up(
            session=session,
            drafts=[draft("One"), draft("Two", due_on=dt.date(2026, 2, 25))],
            next_session_at=dt.datetime(2026, 3, 3, 20, 0, tzinfo=UTC),
            by=alice,
        )
    session.refresh_from_db()
    assert session.status == Session.Status.HELD
    assert next_session is not None
    assert next_session.status == Session.Status.SCHEDULED
    assert [item.due_on for item in created] == [dt.date(2026, 3, 4), dt.date(2026, 2, 25)]
    assert all(item.status == Homework.Status.PROPOSED and item.agreed_in == session for item in created)
    assert engagement.next_session() == next_session


@pytest.mark.django_db
def test_it_keeps_the_already_scheduled_next_session_when_none_is_given(alice_bob: Engagement) -> None:
    session = make_session(alice_bob, at=timezone.now() - dt.timedelta(hours=1))
    later = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=10))
    next_session, created = services.session_wrap_up(
        session=session, drafts=[draft()], next_session_at=None, by=alice_bob.coach
    )
    assert next_session == later
    assert created[0].due_on == timezone.localtime(later.scheduled_at, alice_bob.client.zone).date()
    assert Session.objects.filter(engagement=alice_bob).count() == 2


@pytest.mark.django_db
def test_it_defaults_the_due_date_to_two_weeks_without_a_next_session(alice_bob: Engagement) -> None:
    homework = services.homework_propose(engagement=alice_bob, draft=draft(), by=alice_bob.coach)
    assert homework.due_on == timezone.localdate(timezone=alice_bob.client.zone) + dt.timedelta(days=14)


@pytest.mark.django_db
def test_it_does_not_make_a_second_session_at_the_same_time(alice_bob: Engagement) -> None:
    session = make_session(alice_bob, at=timezone.now() - dt.timedelta(hours=1))
    when = (timezone.now() + dt.timedelta(days=7)).replace(microsecond=0)
    services.session_wrap_up(session=session, drafts=[], next_session_at=when, by=alice_bob.coach)
    services.session_wrap_up(session=session, drafts=[], next_session_at=when, by=alice_bob.coach)
    assert Session.objects.filter(engagement=alice_bob, scheduled_at=when).count() == 1


@pytest.mark.django_db
def test_it_confirms_a_proposal_and_clears_a_change_request(alice_bob: Engagement, bob: User) -> None:
    homework = make_homework(alice_bob)
    services.homework_request_change(homework=homework, note="Make it one person, not two", by=bob)
    homework.refresh_from_db()
    assert homework.status == Homework.Status.CHANGE_REQUESTED
    assert homework.change_note == "Make it one person, not two"
    services.homework_confirm(homework=homework, by=bob)
    homework.refresh_from_db()
    assert homework.status == Homework.Status.CONFIRMED
    assert homework.confirmed_at is not None
    assert homework.change_note == ""


@pytest.mark.django_db
def test_it_sends_a_coachs_edit_back_to_the_client_to_confirm(alice_bob: Engagement, alice: User) -> None:
    homework = make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    services.homework_update(homework=homework, draft=draft("Call one person"), by=alice)
    homework.refresh_from_db()
    assert homework.title == "Call one person"
    assert homework.status == Homework.Status.PROPOSED


@pytest.mark.django_db
def test_it_keeps_when_the_work_happened_and_when_it_was_written(alice_bob: Engagement, bob: User) -> None:
    homework = make_homework(
        alice_bob, status=Homework.Status.CONFIRMED, created_at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    )
    # 23:30 UTC on 9 March is already 10 March in Sydney: "today" is the writer's own day.
    bob.timezone = "Australia/Sydney"
    with time_machine.travel(dt.datetime(2026, 3, 9, 23, 30, tzinfo=UTC), tick=False):
        today_entry = services.progress_log(homework=homework, by=bob, note="Made a start", minutes=20)
        earlier = services.progress_log(homework=homework, by=bob, note="On Saturday", occurred_on=dt.date(2026, 3, 7))
    today_entry.refresh_from_db()
    earlier.refresh_from_db()
    assert today_entry.occurred_on == dt.date(2026, 3, 10)
    assert today_entry.written_at == dt.datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    assert earlier.occurred_on == dt.date(2026, 3, 7)
    assert earlier.written_at == dt.datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("Australia/Sydney")):
        assert earlier.is_backdated
        assert not today_entry.is_backdated


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", [Outcome.DONE, Outcome.DROPPED])
def test_it_records_an_outcome_without_reason_or_decision(alice_bob: Engagement, outcome: str) -> None:
    session = started(alice_bob)
    homework = make_homework(alice_bob)
    carried = review(homework, session, outcome, reason=Reason.TIME, decision=Decision.CARRY_OVER, note="Good")
    homework.refresh_from_db()
    assert carried is None
    assert (homework.outcome, homework.reason, homework.decision) == (outcome, "", "")
    assert homework.reviewed_in == session
    assert homework.reviewed_at is not None
    assert homework.outcome_note == "Good"
    assert not Homework.objects.open().filter(pk=homework.pk).exists()


@pytest.mark.django_db
def test_it_carries_over_unfinished_homework_as_a_linked_proposal(alice_bob: Engagement) -> None:
    session = started(alice_bob)
    homework = make_homework(alice_bob, first_step="Open the laptop", plan_when="Tuesday", status="confirmed")
    carried = review(homework, session, Outcome.NOT_DONE, reason=Reason.TIME, decision=Decision.CARRY_OVER)
    assert carried is not None
    assert carried.carried_from == homework
    assert (carried.title, carried.first_step, carried.plan_when) == (homework.title, "Open the laptop", "Tuesday")
    assert carried.agreed_in == session
    assert carried.status == Homework.Status.PROPOSED
    assert carried.is_open
    assert homework.carried_to == carried
    assert not AgendaItem.objects.exists()


@pytest.mark.django_db
def test_it_makes_a_linked_homework_to_change_and_none_to_drop(alice_bob: Engagement) -> None:
    session = started(alice_bob)
    changed = review(make_homework(alice_bob), session, Outcome.NOT_DONE, reason=Reason.UNCLEAR, decision="change")
    dropped = review(make_homework(alice_bob), session, Outcome.NOT_DONE, reason=Reason.WRONG_AVENUE, decision="drop")
    assert changed is not None
    assert changed.carried_from is not None
    assert dropped is None


@pytest.mark.django_db
def test_it_refuses_to_review_the_same_homework_twice(alice_bob: Engagement) -> None:
    session = started(alice_bob)
    homework = make_homework(alice_bob)
    stale = Homework.objects.get(pk=homework.pk)
    review(homework, session, Outcome.NOT_DONE, reason=Reason.TIME, decision=Decision.CARRY_OVER)
    with pytest.raises(services.AlreadyReviewed):
        review(stale, session, Outcome.NOT_DONE, reason=Reason.TIME, decision=Decision.CARRY_OVER)
    assert Homework.objects.filter(engagement=alice_bob).count() == 2


def _open_to_explore(engagement: Engagement) -> list[AgendaItem]:
    return list(AgendaItem.objects.open().filter(engagement=engagement, kind=AgendaItem.Kind.TO_EXPLORE))


@pytest.mark.django_db
def test_it_raises_to_explore_when_carried_over_twice_once_only(alice_bob: Engagement) -> None:
    first = make_homework(alice_bob, "Send the application to Acme")
    second = review(first, started(alice_bob), Outcome.NOT_DONE, reason=Reason.TIME, decision="carry_over")
    assert second is not None
    assert not _open_to_explore(alice_bob)
    third = review(second, started(alice_bob), Outcome.NOT_DONE, reason=Reason.LIFE, decision="carry_over")
    assert third is not None
    [item] = _open_to_explore(alice_bob)
    assert item.homework == third
    assert "carried over 2 times" in item.text
    # A third carry-over does not raise it again while the first is still open.
    review(third, started(alice_bob), Outcome.NOT_DONE, reason=Reason.OTHER, decision="carry_over")
    assert len(_open_to_explore(alice_bob)) == 1


@pytest.mark.django_db
def test_it_raises_to_explore_when_not_done_twice_for_the_same_reason(alice_bob: Engagement) -> None:
    first = make_homework(alice_bob)
    second = review(first, started(alice_bob), Outcome.NOT_DONE, reason="procrastination", decision="change")
    assert second is not None
    assert not _open_to_explore(alice_bob)
    review(second, started(alice_bob), Outcome.NOT_DONE, reason="procrastination", decision="drop")
    [item] = _open_to_explore(alice_bob)
    assert item.homework == second
    assert item.text.endswith("not done 2 times: procrastination")


@pytest.mark.django_db
def test_it_does_not_raise_to_explore_for_different_reasons_once_carried(alice_bob: Engagement) -> None:
    first = make_homework(alice_bob)
    second = review(first, started(alice_bob), Outcome.NOT_DONE, reason="time", decision="change")
    assert second is not None
    review(second, started(alice_bob), Outcome.NOT_DONE, reason="procrastination", decision="drop")
    assert not _open_to_explore(alice_bob)


@pytest.mark.django_db
def test_it_raises_again_after_the_first_was_talked_about(alice_bob: Engagement) -> None:
    first = make_homework(alice_bob)
    second = review(first, started(alice_bob), Outcome.NOT_DONE, reason="time", decision="carry_over")
    third = review(second, started(alice_bob), Outcome.NOT_DONE, reason="time", decision="carry_over")  # type: ignore[arg-type]
    _open_to_explore(alice_bob)[0].resolve()
    review(third, started(alice_bob), Outcome.NOT_DONE, reason="time", decision="carry_over")  # type: ignore[arg-type]
    assert len(_open_to_explore(alice_bob)) == 1
    assert AgendaItem.objects.filter(kind=AgendaItem.Kind.TO_EXPLORE).count() == 2


@pytest.mark.django_db
def test_it_sends_signals_after_the_transaction_commits(alice_bob: Engagement, bob: User) -> None:
    from legwork.homework.signals import homework_confirmed, progress_logged

    heard: list[str] = []
    homework = make_homework(alice_bob)

    def on_confirm(**kwargs: object) -> None:
        heard.append("confirmed")

    def on_progress(**kwargs: object) -> None:
        heard.append("progress")

    homework_confirmed.connect(on_confirm)
    progress_logged.connect(on_progress)
    try:
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            services.homework_confirm(homework=homework, by=bob)
            services.progress_log(homework=homework, by=bob, note="Did it")
            assert heard == []
    finally:
        homework_confirmed.disconnect(on_confirm)
        progress_logged.disconnect(on_progress)
    assert heard == ["confirmed", "progress"]
    assert ProgressEntry.objects.filter(homework=homework).count() == 1


@pytest.mark.django_db
def test_it_lists_only_what_a_person_may_see(alice_bob: Engagement, carol_dan: Engagement, bob: User) -> None:
    mine = make_homework(alice_bob)
    theirs = make_homework(carol_dan)
    assert list(Homework.objects.visible_to(bob)) == [mine]
    assert list(Homework.objects.visible_to(carol_dan.coach)) == [theirs]
    services.progress_log(homework=mine, by=bob, note="x")
    assert ProgressEntry.objects.visible_to(carol_dan.client).count() == 0
    assert ProgressEntry.objects.visible_to(alice_bob.coach).count() == 1


@pytest.mark.django_db
def test_wrap_up_takes_the_session_after_this_one_not_an_older_unmarked_one(alice_bob: Engagement) -> None:
    make_session(alice_bob, at=timezone.now() - dt.timedelta(days=30))  # never marked
    session = make_session(alice_bob, at=timezone.now() - dt.timedelta(hours=1))
    later = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=10))
    next_session, _ = services.session_wrap_up(session=session, drafts=[], next_session_at=None, by=alice_bob.coach)
    assert next_session == later


@pytest.mark.django_db
def test_it_suggests_the_same_time_two_weeks_on_and_never_in_the_past(alice_bob: Engagement) -> None:
    at = dt.datetime(2026, 3, 2, 17, 30, tzinfo=UTC)
    session = make_session(alice_bob, at=at)
    assert session.suggested_next_at(now=at) == at + dt.timedelta(days=14)
    assert session.suggested_next_at(now=at + dt.timedelta(days=20)) == at + dt.timedelta(days=21)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("outcome", "reason", "decision"),
    [("finished", "", ""), ("not_done", "", "drop"), ("not_done", "time", ""), ("partly", "lazy", "")],
)
def test_the_rules_hold_for_every_caller_not_just_the_form(
    alice_bob: Engagement, outcome: str, reason: str, decision: str
) -> None:
    homework = make_homework(alice_bob)
    with pytest.raises(RuleBroken):
        review(homework, None, outcome, reason=reason, decision=decision)
    homework.refresh_from_db()
    assert homework.outcome == ""
    assert Homework.objects.count() == 1


@pytest.mark.django_db
def test_the_suggested_next_session_keeps_the_coachs_wall_clock_time_across_dst(alice_bob: Engagement) -> None:
    # Alice is in London: 17:30 BST on 20 October is 16:30 UTC; two weeks on, 17:30 GMT is 17:30 UTC.
    session = make_session(alice_bob, at=dt.datetime(2026, 10, 20, 16, 30, tzinfo=UTC))
    assert session.suggested_next_at(now=session.scheduled_at) == dt.datetime(2026, 11, 3, 17, 30, tzinfo=UTC)


# --- Every rule lives in the model or the service, so every caller meets it ---------------------


@pytest.mark.django_db
def test_reviewed_homework_takes_no_progress_confirmation_change_or_edit_from_any_caller(
    alice_bob: Engagement, alice: User, bob: User
) -> None:
    homework = make_homework(alice_bob, status=Homework.Status.CONFIRMED, outcome=Outcome.DONE)
    for attempt in (
        lambda: services.progress_log(homework=homework, by=bob, note="Late"),
        lambda: services.homework_confirm(homework=homework, by=bob),
        lambda: services.homework_request_change(homework=homework, note="Smaller", by=bob),
        lambda: services.homework_update(homework=homework, draft=draft("Rewritten"), by=alice),
    ):
        with pytest.raises(RuleBroken) as refused:
            attempt()
        assert refused.value.conflict
    homework.refresh_from_db()
    assert (homework.title, homework.status) == ("Send the application to Acme", Homework.Status.CONFIRMED)
    assert not ProgressEntry.objects.exists()


@pytest.mark.django_db
def test_confirming_twice_confirms_once(alice_bob: Engagement, bob: User) -> None:
    homework = make_homework(alice_bob)
    assert services.homework_confirm(homework=homework, by=bob) is True
    first = Homework.objects.get(pk=homework.pk).confirmed_at
    assert services.homework_confirm(homework=Homework.objects.get(pk=homework.pk), by=bob) is False
    assert Homework.objects.get(pk=homework.pk).confirmed_at == first


@pytest.mark.django_db
def test_progress_is_dated_between_the_day_it_was_agreed_and_today_in_the_writers_zone(
    alice_bob: Engagement, bob: User
) -> None:
    # Agreed at 23:30 UTC on 2 March: already 3 March for a writer in Sydney.
    homework = make_homework(alice_bob, created_at=dt.datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    bob.timezone = "Australia/Sydney"
    with time_machine.travel(dt.datetime(2026, 3, 9, 9, 0, tzinfo=UTC), tick=False):
        with pytest.raises(RuleBroken) as refused:
            services.progress_log(homework=homework, by=bob, note="x", occurred_on=dt.date(2026, 3, 2))
        assert refused.value.field == "occurred_on"
        with pytest.raises(RuleBroken):
            services.progress_log(homework=homework, by=bob, note="x", occurred_on=dt.date(2026, 3, 10))
        entry = services.progress_log(homework=homework, by=bob, note="x", occurred_on=dt.date(2026, 3, 3))
    assert entry.occurred_on == dt.date(2026, 3, 3)


@pytest.mark.django_db
def test_a_session_is_neither_reviewed_nor_wrapped_up_before_it_starts(alice_bob: Engagement) -> None:
    upcoming = make_session(alice_bob, at=timezone.now() + dt.timedelta(minutes=5))
    homework = make_homework(alice_bob)
    with pytest.raises(RuleBroken) as refused:
        review(homework, upcoming, Outcome.DONE)
    assert refused.value.conflict
    with pytest.raises(RuleBroken):
        services.session_wrap_up(session=upcoming, drafts=[draft()], next_session_at=None, by=alice_bob.coach)
    upcoming.refresh_from_db()
    homework.refresh_from_db()
    assert upcoming.status == Session.Status.SCHEDULED
    assert homework.outcome == ""
    assert Homework.objects.count() == 1
    with time_machine.travel(upcoming.scheduled_at, tick=False):
        assert review(homework, upcoming, Outcome.DONE) is None


@pytest.mark.django_db
def test_a_carried_over_homework_is_due_at_the_session_the_wrap_up_sets(alice_bob: Engagement) -> None:
    session = started(alice_bob)
    homework = make_homework(alice_bob, created_at=session.scheduled_at - dt.timedelta(days=14))
    carried = review(homework, session, Outcome.NOT_DONE, reason=Reason.TIME, decision=Decision.CARRY_OVER)
    assert carried is not None
    zone = alice_bob.client.zone
    # No next session yet: due when the wrap-up suggests it, never on the session being reviewed.
    assert carried.due_on == session.suggested_next_at().astimezone(zone).date()
    assert carried.due_on > session.scheduled_at.astimezone(zone).date()
    when = (timezone.now() + dt.timedelta(days=20)).replace(microsecond=0)
    next_session, _ = services.session_wrap_up(session=session, drafts=[], next_session_at=when, by=alice_bob.coach)
    carried.refresh_from_db()
    assert next_session is not None
    assert carried.due_on == when.astimezone(zone).date()


@pytest.mark.django_db
def test_the_same_wrap_up_form_twice_is_saved_once_by_the_service(alice_bob: Engagement) -> None:
    session = started(alice_bob)
    services.session_wrap_up(session=session, drafts=[draft()], next_session_at=None, by=alice_bob.coach, once="k1")
    with pytest.raises(services.AlreadyWrappedUp):
        services.session_wrap_up(session=session, drafts=[draft()], next_session_at=None, by=alice_bob.coach, once="k1")
    assert Homework.objects.count() == 1
    services.session_wrap_up(session=session, drafts=[draft()], next_session_at=None, by=alice_bob.coach, once="k2")
    assert Homework.objects.count() == 2
