"""Rating a homework, setting and answering check-ins, and turning a strategy into a step.

Called from the pages and the API alike, so each rule is checked here once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from legwork.coaching.access import require_client, require_coach
from legwork.coaching.models import AgendaItem
from legwork.homework.models import Homework, Outcome
from legwork.homework.services import HomeworkDraft, homework_propose
from legwork.insights.models import reflection_is_editable
from legwork.lib.rules import RuleBroken

from .models import (
    CHECK_IN_MAX,
    HOW_WELL,
    SCALES_PER_ENGAGEMENT,
    SHIPPED_SCALES,
    USEFULNESS,
    WORD_MAX,
    CheckInAnswer,
    CheckInScale,
    QualityRating,
    Role,
    Step,
    rating_pairs,
    role_of,
)

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement, Session

NOT_RATED = (Outcome.NOT_DONE, Outcome.DROPPED)


def require_rateable(homework: Homework, role: str) -> None:
    """What can be rated, by whom and when: agreed homework that was (or may yet be) done; the coach at review."""
    if homework.status != Homework.Status.CONFIRMED and not homework.outcome:
        raise RuleBroken("Only homework the client said “I'm in” to is rated.", conflict=True)
    if homework.outcome in NOT_RATED:
        raise RuleBroken("It was not done, so there is nothing to rate: its reason says more.", conflict=True)
    if role == Role.COACH and not homework.outcome:
        raise RuleBroken("The coach rates at the review, once the homework has its outcome.", conflict=True)


def _check_scale(value: Any, scale: list[tuple[int, str]], field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value not in dict(scale):
        raise RuleBroken(f"Choose one of {', '.join(label.lower() for _, label in scale)}.", field=field)
    return value


def quality_rate(*, homework: Homework, by: User, how_well: Any, usefulness: Any, word: str = "") -> QualityRating:
    """Give (or change) one's rating of a homework. Once both ratings are shown, neither changes:
    a rating given blind stays the one given blind."""
    role = role_of(homework.engagement, by)
    if role is None:
        raise PermissionDenied("Only the coach and the client rate their homework.")
    require_rateable(homework, role)
    how_well = _check_scale(how_well, HOW_WELL, "how_well")
    usefulness = _check_scale(usefulness, USEFULNESS, "usefulness")
    word = (word or "").strip()
    if len(word) > WORD_MAX:
        raise RuleBroken(f"A word or a few: at most {WORD_MAX} characters.", field="word")
    with transaction.atomic():
        # One row lock per homework, so two ratings arriving together see each other.
        Homework.objects.select_for_update().filter(pk=homework.pk).first()
        pair = rating_pairs([homework])[homework.pk]
        if pair.revealed():
            raise RuleBroken("Both ratings are shown now, so they stay as they were given.", conflict=True)
        now = timezone.now()
        rating, created = QualityRating.objects.get_or_create(
            homework=homework,
            role=role,
            defaults={
                "engagement_id": homework.engagement_id,
                "rated_by": by,
                "how_well": how_well,
                "usefulness": usefulness,
                "word": word,
                "rated_at": now,
                "updated_at": now,
            },
        )
        if not created:
            rating.rated_by, rating.how_well, rating.usefulness, rating.word = by, how_well, usefulness, word
            rating.updated_at = now
            rating.save(update_fields=["rated_by", "how_well", "usefulness", "word", "updated_at"])
        setattr(pair, role, rating)
        if pair.revealed():
            raise_if_done_but_of_little_use(homework, [r for r in (pair.client, pair.coach) if r])
    return rating


def raise_if_done_but_of_little_use(homework: Homework, ratings: list[QualityRating]) -> AgendaItem | None:
    """Done, yet one of them found it of little use: worth talking about, once both ratings are shown."""
    if homework.outcome != Outcome.DONE or not any(r.of_little_use for r in ratings):
        return None
    already = AgendaItem.objects.open().filter(
        engagement_id=homework.engagement_id, kind=AgendaItem.Kind.TO_EXPLORE, homework=homework
    )
    if already.exists():
        return None
    return AgendaItem.objects.create(
        engagement_id=homework.engagement_id,
        kind=AgendaItem.Kind.TO_EXPLORE,
        homework=homework,
        text=f"“{homework.title[:200]}” was done, but rated of little use: what would have made it worth doing?",
    )


# --- Check-ins --------------------------------------------------------------------------------


def check_in_scales_set(
    *,
    engagement: Engagement,
    by: User,
    keys: list[str],
    own: list[tuple[str, str, str]],
    library: list[int] | None = None,
) -> list[CheckInScale]:
    """The coach chooses the engagement's scales: shipped ones by key, their own (question, low, high),
    and from their library by id (`CheckInScale.objects.visible_to`: their own elsewhere, and those
    shared in their practice), copied in by their words.

    A scale left out is retired (its answers stay); one chosen again comes back."""
    require_coach(engagement, by)
    if library:
        ids = [pk for pk in library if 0 < pk < 2**63]  # no row has another id (and the database refuses it)
        found = {s.pk: s.text for s in CheckInScale.objects.visible_to(by).filter(pk__in=ids)}
        if set(library) - set(found):
            raise RuleBroken("That scale is not in your library.", field="library")
        own = [*own, *(found[pk] for pk in dict.fromkeys(library) if found[pk] not in own)]
    shipped = {key: (question, low, high) for key, question, low, high in SHIPPED_SCALES}
    unknown = [key for key in keys if key not in shipped]
    if unknown:
        raise RuleBroken(f"No shipped scale is called {unknown[0]!r}.", field="keys")
    for question, low, high in own:
        if not (question.strip() and low.strip() and high.strip()):
            raise RuleBroken("Your own scale needs a question and a label at each end.", field="own")
    wanted = [(key, *shipped[key]) for key in dict.fromkeys(keys)] + [
        ("", q.strip()[:120], lo.strip()[:40], hi.strip()[:40]) for q, lo, hi in own
    ]
    if len(wanted) > SCALES_PER_ENGAGEMENT:
        raise RuleBroken(f"A few scales are plenty: at most {SCALES_PER_ENGAGEMENT}.", field="keys")
    now = timezone.now()
    with transaction.atomic():
        existing = list(CheckInScale.objects.select_for_update().filter(engagement=engagement))
        kept: list[CheckInScale] = []
        for order, (key, question, low, high) in enumerate(wanted):
            match = next(
                (
                    s
                    for s in existing
                    if s not in kept and (s.key == key if key else (not s.key and s.question == question))
                ),
                None,
            )
            if match is None:
                match = CheckInScale(engagement=engagement, key=key, question=question, created_at=now)
            match.low_label, match.high_label, match.order, match.retired_at = low, high, order, None
            match.save()
            kept.append(match)
        for scale in existing:
            if scale not in kept and scale.retired_at is None:
                scale.retired_at = now
                scale.save(update_fields=["retired_at"])
    return kept


def check_in_scale_share(*, scale: CheckInScale, by: User, shared: bool) -> CheckInScale:
    """Share a scale of the coach's own making with their practice, or stop; only its coach may."""
    if scale.engagement.coach_id != by.pk:
        raise PermissionDenied("A colleague's shared scale is theirs to share: add it to your engagement instead.")
    if shared:
        scale.share()
    else:
        scale.unshare()
    return scale


def check_in_answer(*, session: Session, by: User, values: dict[int, Any]) -> list[CheckInAnswer]:
    """The client answers the engagement's scales before a session (as long as the reflection is open).
    A scale left out keeps no answer; an answer given again replaces the first."""
    engagement = session.engagement
    require_client(engagement, by)
    if not reflection_is_editable(session):
        raise RuleBroken("The session has started: its check-in can't change now.", conflict=True)
    scales = {s.pk: s for s in CheckInScale.objects.filter(engagement=engagement, retired_at__isnull=True)}
    for pk, value in values.items():
        if pk not in scales:
            raise RuleBroken("That scale is not one of this engagement's.", field="values")
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= CHECK_IN_MAX
        ):
            raise RuleBroken(f"“{scales[pk].question}”: a whole number from 0 to {CHECK_IN_MAX}.", field="values")
    saved = []
    now = timezone.now()
    with transaction.atomic():
        for pk, value in values.items():
            if value is None:
                CheckInAnswer.objects.filter(scale_id=pk, session=session).delete()
                continue
            answer, _ = CheckInAnswer.objects.update_or_create(
                scale_id=pk, session=session, defaults={"value": value, "answered_at": now}
            )
            saved.append(answer)
    return saved


# --- Selves to steps ------------------------------------------------------------------------


def step_propose(*, source: Homework, by: User, self_text: str, self_kind: str, strategy: str) -> Homework:
    """Turn one strategy of an answer into a homework proposal, linked back to the self it serves.

    Coach or client may; the client still says "I'm in" as to any proposal. The same strategy twice
    gives the step made the first time."""
    if role_of(source.engagement, by) is None:
        raise PermissionDenied("Only the coach and the client turn strategies into steps.")
    strategy, self_text = strategy.strip(), self_text.strip()
    if not strategy:
        raise RuleBroken("Which strategy? It has no words yet.", field="strategy")
    with transaction.atomic():
        Homework.objects.select_for_update().filter(pk=source.pk).first()
        existing = Step.objects.filter(source=source, self_text=self_text[:300], strategy=strategy[:300]).first()
        if existing is not None:
            return existing.homework
        homework = homework_propose(
            engagement=source.engagement,
            draft=HomeworkDraft(title=strategy[:200], purpose="act", goal=source.goal),
            by=by,
        )
        Step.objects.create(
            homework=homework,
            source=source,
            self_text=self_text[:300],
            self_kind=self_kind[:30],
            strategy=strategy[:300],
            created_by=by,
        )
    return homework
