"""Selves to steps: the strategies on an exercise's latest answers, each of which can become a homework.

Possible Selves: each self (its kind and description) with its strategies. Thinking Creatively: the
question, with the shortlist as its strategies. Read from the latest saved answers, so a step is made
from what the client wrote, never from what a form claims they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from legwork.coaching.models import Engagement
from legwork.exercises.models import HomeworkExercise
from legwork.homework.models import Homework, ProgressEntry

from .models import Step

SOURCES = ("possible-selves", "thinking-creatively")


@dataclass
class Strategy:
    text: str
    step: Homework | None = None


@dataclass
class Anchor:
    """What the strategies serve: a possible self, or the question being thought about."""

    text: str
    kind: str
    strategies: list[Strategy] = field(default_factory=list)

    @property
    def in_motion(self) -> list[Homework]:
        """Steps proposed, agreed or done for this self (dropped or not done ones don't move it)."""
        return [s.step for s in self.strategies if s.step is not None and s.step.outcome in ("", "done", "partly")]


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    return []


def anchors_from(slug: str, answers: Any) -> list[Anchor]:
    """The anchors and strategies an exercise's answers hold (no query)."""
    if not isinstance(answers, dict):
        return []
    if slug == "possible-selves":
        anchors = []
        for item in answers.get("selves") or []:
            if not isinstance(item, dict):
                continue
            text = str(item.get("description") or "").strip()
            strategies = _lines(item.get("strategies"))
            if text or strategies:
                anchors.append(
                    Anchor(
                        text=text or "A self not yet described",
                        kind=str(item.get("kind") or ""),
                        strategies=[Strategy(s) for s in strategies],
                    )
                )
        return anchors
    if slug == "thinking-creatively":
        strategies = _lines(answers.get("shortlist")) + _lines(answers.get("next_look"))
        if strategies:
            question = str(answers.get("question") or "").strip() or "The question I'm thinking about"
            return [Anchor(text=question, kind="Question", strategies=[Strategy(s) for s in strategies])]
    return []


def source_anchors(homework_list: list[Homework]) -> dict[int, list[Anchor]]:
    """homework pk -> anchors, for those that carry a Possible Selves or Thinking Creatively exercise,
    with each strategy's step if one was made. Three queries whatever the number of homework."""
    return _anchors(Q(homework__in=[h.pk for h in homework_list]))


def engagement_anchors(engagement: Engagement) -> dict[int, list[Anchor]]:
    """The same for every such homework of an engagement: three queries, one when there is none."""
    return _anchors(Q(homework__engagement=engagement))


def _anchors(which: Q) -> dict[int, list[Anchor]]:
    carried: dict[int, str] = dict(
        HomeworkExercise.objects.filter(which, exercise__slug__in=SOURCES).values_list("homework_id", "exercise__slug")
    )
    if not carried:
        return {}
    latest: dict[int, Any] = {}
    for entry in ProgressEntry.objects.filter(homework_id__in=list(carried), answers__isnull=False).order_by(
        "written_at", "pk"
    ):
        latest[entry.homework_id] = entry.answers
    steps: dict[tuple[int, str, str], Homework] = {
        (step.source_id, step.self_text, step.strategy): step.homework
        for step in Step.objects.filter(source_id__in=list(carried)).select_related("homework")
    }
    result = {}
    for pk, slug in carried.items():
        anchors = anchors_from(slug, latest.get(pk))
        for anchor in anchors:
            for strategy in anchor.strategies:
                strategy.step = steps.get((pk, anchor.text[:300], strategy.text[:300]))
        result[pk] = anchors
    return result
