"""Each insight against a small history whose numbers are worked out by hand in the comments.

The history (client bob, Europe/London, which is UTC in January):
  previous session Mon 5 Jan 2026 17:00, this session Mon 19 Jan 17:00; homework agreed 5 Jan 18:00.
  A  due 19 Jan, done:      entries written 6 Jan 10:00, 12 Jan 10:00, 18 Jan 20:00, 19 Jan 09:00
  B  due 12 Jan, done:      entry written 13 Jan 10:00 (a day after it was due)
  C  due 19 Jan, not done (procrastination), carried over: no entries
  D  due 19 Jan, dropped:   entry written 7 Jan 10:00
  E  due 19 Jan, partly (procrastination): entries written 19 Jan 16:30, and 19 Jan 16:45 about 10 Jan
  Thinking time: Saturdays 09:00 from 1 Jan; 10 Jan taken, 17 Jan skipped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_homework, make_progress, make_session
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Decision, Homework, Outcome, Reason
from legwork.insights import metrics
from legwork.insights.history import interval_before, interval_line_before, intervals_for
from legwork.notebook.models import ThinkingTimeBlock, ThinkingTimeOccurrence

UTC = dt.UTC


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def entry(homework: Homework, written: dt.datetime, occurred: dt.date | None = None) -> None:
    make_progress(homework, written_at=written, occurred_on=occurred or written.date())


def reviewed(homework: Homework, outcome: str, reason: str = "", decision: str = "") -> None:
    Homework.objects.filter(pk=homework.pk).update(
        outcome=outcome, reason=reason, decision=decision, reviewed_at=at(19, 17, 30)
    )


@pytest.fixture
def history(alice_bob: Engagement) -> Session:
    Engagement.objects.filter(pk=alice_bob.pk).update(created_at=at(1, 9))
    alice_bob.refresh_from_db()
    make_session(alice_bob, at=at(5, 17), status=Session.Status.HELD)
    session = make_session(alice_bob, at=at(19, 17), status=Session.Status.HELD)
    agreed = {"created_at": at(5, 18), "status": Homework.Status.CONFIRMED}
    a = make_homework(alice_bob, "A", due_on=dt.date(2026, 1, 19), **agreed)
    b = make_homework(alice_bob, "B", due_on=dt.date(2026, 1, 12), **agreed)
    c = make_homework(alice_bob, "C", due_on=dt.date(2026, 1, 19), **agreed)
    d = make_homework(alice_bob, "D", due_on=dt.date(2026, 1, 19), **agreed)
    e = make_homework(alice_bob, "E", due_on=dt.date(2026, 1, 19), **agreed)
    for written in (at(6, 10), at(12, 10), at(18, 20), at(19, 9)):
        entry(a, written)
    entry(b, at(13, 10))
    entry(d, at(7, 10))
    entry(e, at(19, 16, 30))
    entry(e, at(19, 16, 45), occurred=dt.date(2026, 1, 10))
    reviewed(a, Outcome.DONE)
    reviewed(b, Outcome.DONE)
    reviewed(c, Outcome.NOT_DONE, Reason.PROCRASTINATION, Decision.CARRY_OVER)
    reviewed(d, Outcome.DROPPED)
    reviewed(e, Outcome.PARTLY, Reason.PROCRASTINATION, Decision.CHANGE)
    block = ThinkingTimeBlock.objects.create(
        client=alice_bob.client,
        rrule="FREQ=WEEKLY;BYDAY=SA",
        start_time=dt.time(9, 0),
        duration_minutes=90,
        timezone="Europe/London",
        created_at=at(1, 8),
    )
    ThinkingTimeOccurrence.objects.create(block=block, starts_at=at(10, 9), status="taken")
    ThinkingTimeOccurrence.objects.create(block=block, starts_at=at(17, 9), status="skipped")
    return session


NOW = at(25, 12)


def test_it_counts_completion_leaving_dropped_homework_out(history: Session) -> None:
    interval = interval_before(history, now=NOW)
    # A, B, C, E counted (D dropped); A and B done; partly done (E) is not done: 2 of 4.
    assert metrics.completion(interval.homework) == (2, 4)
    assert metrics.interval_insights(interval).completion_rate == 0.5


def test_it_counts_done_homework_on_time_by_its_last_entry(history: Session) -> None:
    interval = interval_before(history, now=NOW)
    # A's last entry 19 Jan <= due 19 Jan: on time. B's last entry 13 Jan > due 12 Jan: late. 1 of 2.
    assert metrics.on_time(interval.homework, interval.entries, interval.zone) == (1, 2)


def test_it_counts_the_last_minute_share_by_when_entries_were_written(history: Session) -> None:
    interval = interval_before(history, now=NOW)
    # 8 entries; written at or after 18 Jan 17:00: A 18 Jan 20:00, A 19 Jan 09:00, E 16:30, E 16:45 = 4.
    insights = metrics.interval_insights(interval)
    assert (insights.last_minute, insights.entries) == (4, 8)
    assert insights.last_minute_share == 0.5


def test_it_counts_an_entry_exactly_24_hours_before_as_last_minute_and_one_after_the_start_not_at_all(
    alice_bob: Engagement,
) -> None:
    homework = make_homework(alice_bob, created_at=at(5, 18))
    entry(homework, at(18, 17))  # exactly 24 h before 19 Jan 17:00: counts
    entry(homework, at(18, 16, 59))  # a minute earlier: not last-minute
    entry(homework, at(19, 17))  # at the session's start: after the interval
    written = homework.progress.values_list("written_at", flat=True)
    assert metrics.last_minute_of(written, at(19, 17)) == (1, 2)


def test_it_counts_active_days_in_the_clients_zone(history: Session) -> None:
    interval = interval_before(history, now=NOW)
    # The interval touches 5..19 Jan: 15 days. Work days (when it happened): 6, 12, 18, 19 (A), 13 (B),
    # 7 (D), 19 and 10 (E); thinking time taken on 10 Jan adds nothing new: {6, 7, 10, 12, 13, 18, 19} = 7.
    assert len(metrics.interval_days(interval)) == 15
    assert sorted(d.day for d in metrics.active_days(interval)) == [6, 7, 10, 12, 13, 18, 19]


def test_it_puts_a_late_evening_entry_on_the_clients_own_day(alice_bob: Engagement) -> None:
    client = alice_bob.client
    client.timezone = "America/New_York"
    client.save(update_fields=["timezone"])
    Engagement.objects.filter(pk=alice_bob.pk).update(created_at=at(1, 9))
    alice_bob.refresh_from_db()
    # 6 Jan 02:00 UTC is 5 Jan 21:00 in New York: the session's own day there.
    make_session(alice_bob, at=at(5, 17), status=Session.Status.HELD)
    session = make_session(alice_bob, at=at(12, 17))
    homework = make_homework(alice_bob, created_at=at(5, 18))
    ThinkingTimeBlock.objects.create(
        client=client, rrule="FREQ=DAILY", start_time=dt.time(21, 0), timezone="America/New_York",
        created_at=at(1, 8),
    )  # fmt: skip
    block = ThinkingTimeBlock.objects.get(client=client)
    ThinkingTimeOccurrence.objects.create(block=block, starts_at=at(6, 2), status="taken")
    entry(homework, at(7, 15))
    interval = interval_before(session, now=at(12, 18))
    # Days 5..12 Jan in New York: 8. Taken thinking time on 5 Jan (New York), entry on 7 Jan: 2 active days.
    assert sorted(d.day for d in metrics.active_days(interval)) == [5, 7]
    assert len(metrics.interval_days(interval)) == 8


def test_the_clients_line_loads_only_the_days_and_says_what_the_whole_interval_says(history: Session) -> None:
    # The same 7 active days of 15 as above, from the entries' days and the thinking time taken alone.
    line = interval_line_before(history, now=NOW)
    assert line == metrics.interval_line(interval_before(history, now=NOW)) == metrics.IntervalLine(15, 7)


def test_the_clients_line_counts_open_homework_from_before_but_not_its_earlier_entries(
    alice_bob: Engagement,
) -> None:
    Engagement.objects.filter(pk=alice_bob.pk).update(created_at=at(1, 9))
    alice_bob.refresh_from_db()
    make_session(alice_bob, at=at(5, 17), status=Session.Status.HELD)
    session = make_session(alice_bob, at=at(12, 17))
    waiting = make_homework(alice_bob, "Still open from before", created_at=at(2, 9))
    reviewed_before = make_homework(alice_bob, "Reviewed at 5 Jan", created_at=at(2, 9), outcome=Outcome.DONE)
    entry(waiting, at(3, 10))  # before the interval: not counted
    entry(waiting, at(8, 10))  # in it: counted
    entry(reviewed_before, at(9, 10))  # its homework belongs to the interval before: not counted
    entry(make_homework(alice_bob, created_at=at(5, 18)), at(12, 18))  # after the session began: not counted
    line = interval_line_before(session, now=at(12, 20))
    assert line == metrics.interval_line(interval_before(session, now=at(12, 20))) == metrics.IntervalLine(8, 1)


def test_it_finds_homework_untouched_for_more_than_half_its_interval(history: Session) -> None:
    interval = interval_before(history, now=NOW)
    # A: agreed 5 Jan 18:00, its due day ends 20 Jan 00:00: 14 d 6 h, half 7 d 3 h. Longest gap
    #    12 Jan 10:00 -> 18 Jan 20:00 = 6 d 10 h: not stalled.
    # B: 5 Jan 18:00 -> 13 Jan 00:00 = 7 d 6 h, half 3 d 15 h; its only entry came after: stalled.
    # C: nothing at all: stalled. D: dropped, left out. E: nothing until 19 Jan 16:30: stalled.
    assert [h.title for h in metrics.stalls(interval)] == ["B", "C", "E"]


def test_it_calls_open_homework_stalled_once_half_its_interval_passes_without_an_entry(
    alice_bob: Engagement,
) -> None:
    homework = make_homework(alice_bob, created_at=at(5, 18), due_on=dt.date(2026, 1, 19))
    zone = alice_bob.client.zone
    # Half of 14 d 6 h is 7 d 3 h: 12 Jan 21:00.
    assert not metrics.is_stalled(homework, [], zone, at(12, 20))
    assert metrics.is_stalled(homework, [], zone, at(12, 22))
    # An entry on 9 Jan splits it: 3 d 16 h and 3 d 12 h.
    assert not metrics.is_stalled(homework, [at(9, 10)], zone, at(12, 22))


def test_it_counts_carry_overs_and_the_reasons_that_repeat(history: Session) -> None:
    interval = interval_before(history, now=NOW)
    # C carried over as it was, E changed: both take the work into the next interval (one definition).
    assert metrics.carried_over(interval.homework) == 2
    assert metrics.repeated_reasons(interval.homework) == [("Procrastination", 2)]  # C and E


def test_it_follows_a_carry_over_chain(alice_bob: Engagement) -> None:
    first = make_homework(alice_bob, "Apply to Northwind")
    second = make_homework(alice_bob, "Apply to Northwind", carried_from=first)
    third = make_homework(alice_bob, "Apply to Northwind", carried_from=second)
    depth = metrics.carry_over_depth([first, second, third])
    assert (depth[first.pk], depth[second.pk], depth[third.pk]) == (0, 1, 2)


def test_it_counts_thinking_time_taken_against_planned(history: Session) -> None:
    interval = interval_before(history, now=NOW)
    # Saturdays between 5 Jan 17:00 and 19 Jan 17:00: 10 and 17 Jan. One taken, one skipped.
    assert metrics.thinking_time(interval) == (1, 1, 2)


def test_it_counts_only_thinking_time_planned_so_far(history: Session) -> None:
    # On Wed 14 Jan only the 10 Jan block has come round.
    interval = interval_before(history, now=at(14, 12))
    assert metrics.thinking_time(interval) == (1, 0, 1)


def test_it_cuts_an_engagement_into_intervals_at_each_session(history: Session, alice_bob: Engagement) -> None:
    intervals = intervals_for(alice_bob, now=NOW)
    # 1 Jan -> 5 Jan (no homework), 5 Jan -> 19 Jan (the five); no homework after the last session.
    assert [len(i.homework) for i in intervals] == [0, 5]
    assert intervals[1].session == history
    assert metrics.interval_insights(intervals[1]).active_days == 7


def test_it_writes_rates_as_whole_percentages() -> None:
    assert metrics.percent(4 / 7) == "57%"
    assert metrics.percent(None) == "–"


def test_it_reports_nothing_rather_than_zero_when_there_is_nothing_to_count(alice_bob: Engagement) -> Any:
    assert metrics.rate(0, 0) is None
    assert metrics.completion([]) == (0, 0)


def test_it_counts_earlier_open_homework_on_the_brief_without_its_earlier_entries(
    history: Session, alice_bob: Engagement
) -> None:
    # O: agreed 20 Dec, due 5 Jan, never reviewed; worked on 24 Dec, 28 Dec and 1 Jan, before this interval.
    o = make_homework(alice_bob, "O", created_at=dt.datetime(2025, 12, 20, 18, tzinfo=UTC), due_on=dt.date(2026, 1, 5))
    for day in (dt.datetime(2025, 12, 24, 10, tzinfo=UTC), dt.datetime(2025, 12, 28, 10, tzinfo=UTC), at(1, 10)):
        entry(o, day)
    interval = interval_before(history, now=NOW)
    assert "O" in [h.title for h in interval.homework]
    # Still the same 8 entries in the interval: O's were all written before 5 Jan 17:00.
    assert metrics.interval_insights(interval).entries == 8
    # O's own interval is 20 Dec 18:00 -> 6 Jan 00:00 (16 d 6 h, half 8 d 3 h); its longest gap,
    # 1 Jan 10:00 -> 6 Jan 00:00, is 4 d 14 h: not stalled, because its earlier entries count.
    assert "O" not in [h.title for h in metrics.stalls(interval)]
