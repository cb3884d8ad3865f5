"""Quality numbers, by hand: rows built in memory, no database."""

from __future__ import annotations

import datetime as dt

from legwork.coaching.models import Session
from legwork.homework.models import Homework
from legwork.quality.metrics import CheckInSeries, quality_line, quality_over_intervals
from legwork.quality.models import QualityRating, RatingPair

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def session(pk: int, days_ago: int) -> Session:
    return Session(pk=pk, scheduled_at=NOW - dt.timedelta(days=days_ago), duration_minutes=60)


def homework(pk: int, outcome: str, reviewed_in: Session | None) -> Homework:
    item = Homework(pk=pk, title=f"H{pk}", outcome=outcome, status="confirmed")
    item.reviewed_in = reviewed_in
    return item


def rating(role: str, how_well: int, usefulness: int) -> QualityRating:
    return QualityRating(role=role, how_well=how_well, usefulness=usefulness)


def test_it_counts_what_went_well_and_what_was_useful_from_the_shown_ratings() -> None:
    held = session(1, days_ago=7)  # ended a week ago: whatever was given is shown
    items = [
        homework(1, "done", held),
        homework(2, "done", held),
        homework(3, "partly", held),
        homework(4, "not_done", held),
    ]
    pairs = {
        # mean how well (3+4)/2 = 3.5 -> went well; usefulness (1+2)/2 = 1.5 -> not useful; done + a 1 -> to explore
        1: RatingPair(items[0], client=rating("client", 3, 1), coach=rating("coach", 4, 2)),
        # coach only, shown because the session ended: 2 -> not well; 3 -> useful
        2: RatingPair(items[1], coach=rating("coach", 2, 3)),
        # partly done, 3 and 3: well and useful; a 1 would not make it "done but of little use"
        3: RatingPair(items[2], client=rating("client", 3, 4), coach=rating("coach", 3, 2)),
        4: RatingPair(items[3]),
    }
    line = quality_line(held, items, pairs, NOW)
    assert (line.reviewed, line.done, line.rated) == (4, 2, 3)
    assert (line.went_well, line.useful) == (2, 2)  # H1, H3 went well; H2 and H3 (mean 3.0) useful
    assert line.how_well == (3 + 4 + 2 + 3 + 3) / 5
    assert line.usefulness == (1 + 2 + 3 + 4 + 2) / 5
    assert line.done_little_use == [items[0]]
    assert line.waiting == 1


def test_a_rating_still_blind_counts_for_nothing() -> None:
    live = session(1, days_ago=0)  # started at noon today, ends at one: not over
    live.scheduled_at = NOW - dt.timedelta(minutes=10)
    item = homework(1, "done", live)
    pairs = {1: RatingPair(item, client=rating("client", 1, 1))}
    line = quality_line(live, [item], pairs, NOW)
    assert (line.rated, line.went_well, line.done_little_use) == (0, 0, [])
    # Once the session has ended, the lone rating is shown and counts.
    later = quality_line(live, [item], pairs, NOW + dt.timedelta(hours=1))
    assert (later.rated, later.done_little_use) == (1, [item])


def test_it_gives_one_line_per_review_session_oldest_first() -> None:
    first, second = session(1, days_ago=28), session(2, days_ago=14)
    items = [
        homework(1, "done", second),
        homework(2, "done", first),
        homework(3, "dropped", first),
        homework(4, "", None),
    ]
    lines = quality_over_intervals(items, {}, NOW)
    assert [(line.session, line.reviewed, line.done) for line in lines] == [(first, 2, 1), (second, 1, 1)]


def test_the_blind_rule_shows_each_their_own_until_both_have_rated() -> None:
    live = session(1, days_ago=0)
    live.scheduled_at = NOW - dt.timedelta(minutes=10)
    item = homework(1, "done", live)
    client = rating("client", 3, 3)
    pair = RatingPair(item, client=client)
    assert pair.visible_to_role("client", NOW) == [client]
    assert pair.visible_to_role("coach", NOW) == []
    assert pair.visible_to_role(None, NOW) == []
    coach = rating("coach", 2, 2)
    pair.coach = coach
    assert pair.visible_to_role("coach", NOW) == [client, coach]
    assert pair.visible_to_role("stranger", NOW) == []


def test_a_check_in_series_says_how_far_it_moved() -> None:
    series = CheckInSeries("Confidence", "none", "sure", [(NOW, 3), (NOW, 5), (NOW, 7)])
    assert series.change == 4
    assert CheckInSeries("Energy", "low", "high", [(NOW, 3)]).change is None
