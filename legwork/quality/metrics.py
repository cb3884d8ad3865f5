"""Quality numbers, computed from rows already loaded: no queries here, so each is unit-tested by hand.

Only ratings the blind rule shows (`RatingPair.revealed`) count: a number never leaks a rating
that is still hidden. Only homework that was done or partly done is rated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from legwork.coaching.models import Session
from legwork.homework.models import Homework, Outcome
from legwork.lib.dates import FIRST_MOMENT

from .models import LITTLE_USE, RatingPair

RATED_OUTCOMES = (Outcome.DONE, Outcome.PARTLY)
# "Went well", "useful": the mean of the shown ratings is at least the scale's third step ("Well", "Useful").
GOOD = 3


def mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


@dataclass
class QualityLine:
    """One interval's homework as reviewed at one session: how much was done, and how well it went."""

    session: Session | None
    reviewed: int = 0
    done: int = 0
    rated: int = 0
    went_well: int = 0
    useful: int = 0
    how_well: float | None = None
    usefulness: float | None = None
    # Done, but the client or the coach rated it of little use: something to explore.
    done_little_use: list[Homework] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return self.reviewed - self.rated


def quality_line(
    session: Session | None, homework: Iterable[Homework], pairs: dict[int, RatingPair], now: dt.datetime
) -> QualityLine:
    line = QualityLine(session=session)
    how_well: list[int] = []
    usefulness: list[int] = []
    for item in homework:
        if not item.outcome:
            continue
        line.reviewed += 1
        line.done += item.outcome == Outcome.DONE
        pair = pairs.get(item.pk)
        if item.outcome not in RATED_OUTCOMES or pair is None or not pair.revealed(now):
            continue
        shown = [r for r in (pair.client, pair.coach) if r is not None]
        if not shown:
            continue
        line.rated += 1
        item_well = mean([r.how_well for r in shown]) or 0
        item_use = mean([r.usefulness for r in shown]) or 0
        line.went_well += item_well >= GOOD
        line.useful += item_use >= GOOD
        how_well += [r.how_well for r in shown]
        usefulness += [r.usefulness for r in shown]
        if item.outcome == Outcome.DONE and any(r.usefulness == LITTLE_USE for r in shown):
            line.done_little_use.append(item)
    line.how_well, line.usefulness = mean(how_well), mean(usefulness)
    return line


def quality_over_intervals(
    homework: Sequence[Homework], pairs: dict[int, RatingPair], now: dt.datetime
) -> list[QualityLine]:
    """One line per session at which homework was reviewed, oldest first (homework with `reviewed_in` loaded)."""
    by_session: dict[int | None, list[Homework]] = {}
    for item in homework:
        if item.outcome:
            by_session.setdefault(item.reviewed_in_id, []).append(item)
    lines = [
        quality_line(items[0].reviewed_in if key is not None else None, items, pairs, now)
        for key, items in by_session.items()
    ]
    return sorted(lines, key=lambda line: line.session.scheduled_at if line.session else FIRST_MOMENT)


@dataclass
class CheckInSeries:
    """One scale's answers across sessions, oldest first: (session start, value)."""

    question: str
    low_label: str
    high_label: str
    points: list[tuple[dt.datetime, int]]

    @property
    def change(self) -> int | None:
        """From the first answer to the latest; None until there are two."""
        return self.points[-1][1] - self.points[0][1] if len(self.points) >= 2 else None
