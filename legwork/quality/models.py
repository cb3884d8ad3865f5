"""How well homework went (rated blind by client and coach), check-in scales, and steps that serve a self.

The blind rule lives here once (`RatingPair.visible_to_role`): every page, the API and the exports
read ratings through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework
from legwork.practice.models import SharedInPractice, coaches_sharing_with

if TYPE_CHECKING:
    from legwork.accounts.models import User


class Role(models.TextChoices):
    CLIENT = "client", "Client"
    COACH = "coach", "Coach"


# A small labelled scale each, the lowest first. Four steps: no neutral middle to hide in.
HOW_WELL = [(1, "Not well"), (2, "Fairly well"), (3, "Well"), (4, "Very well")]
USEFULNESS = [(1, "Of little use"), (2, "Somewhat useful"), (3, "Useful"), (4, "Very useful")]
LITTLE_USE = 1
WORD_MAX = 80


def role_of(engagement: Engagement, user: User) -> str | None:
    if engagement.is_coach(user):
        return Role.COACH
    if engagement.is_client(user):
        return Role.CLIENT
    return None


class QualityRatingQuerySet(models.QuerySet["QualityRating"]):
    def visible_to(self, user: User) -> QualityRatingQuerySet:
        """The rows of one's own engagements. Which of them may be *read* is the blind rule (`RatingPair`)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(engagement__coach=user) | Q(engagement__client=user))


class QualityRating(models.Model):
    """One person's rating of one homework: how well it went and how useful it was, with an optional word."""

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="quality_ratings")
    # Copied from the homework (it never moves), so "an engagement's ratings" is one index lookup.
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+", editable=False)
    role = models.CharField(max_length=6, choices=Role.choices)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    how_well = models.PositiveSmallIntegerField("how well it went", choices=HOW_WELL)
    usefulness = models.PositiveSmallIntegerField("how useful it was", choices=USEFULNESS)
    word = models.CharField("a word about it", max_length=WORD_MAX, blank=True)
    rated_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = QualityRatingQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["homework", "role"], name="one_rating_per_role")]
        indexes = [models.Index(fields=["engagement", "homework"])]

    def __str__(self) -> str:
        return f"{self.role} rating of homework {self.homework_id}"

    @property
    def of_little_use(self) -> bool:
        return self.usefulness == LITTLE_USE


@dataclass
class RatingPair:
    """A homework's two ratings and the rule for who may read them.

    Blind: each sees their own; the other's only once both have rated, or once the session the
    homework was reviewed in has ended (then whatever was given is shown).
    """

    homework: Homework
    client: QualityRating | None = None
    coach: QualityRating | None = None

    def of(self, role: str) -> QualityRating | None:
        return self.coach if role == Role.COACH else self.client

    @property
    def both_rated(self) -> bool:
        return self.client is not None and self.coach is not None

    def review_ended(self, now: dt.datetime | None = None) -> bool:
        session: Session | None = self.homework.reviewed_in if self.homework.reviewed_in_id else None
        return session is not None and session.ends_at <= (now or timezone.now())

    def revealed(self, now: dt.datetime | None = None) -> bool:
        return self.both_rated or self.review_ended(now)

    def visible_to_role(self, role: str | None, now: dt.datetime | None = None) -> list[QualityRating]:
        """The ratings a viewer in `role` may read; none for anyone else."""
        if role not in Role.values:
            return []
        if self.revealed(now):
            return [r for r in (self.client, self.coach) if r is not None]
        own = self.of(role)
        return [own] if own is not None else []

    def waiting_for(self) -> list[str]:
        return [role for role in Role.values if self.of(role) is None]


def rating_pairs(homework: Iterable[Homework]) -> dict[int, RatingPair]:
    """homework pk -> its pair, for every homework given: one query, and one more for review sessions
    not loaded with their homework (the blind rule needs when each ended)."""
    items = list(homework)
    pairs = {item.pk: RatingPair(homework=item) for item in items}
    if not pairs:
        return pairs
    missing = {h.reviewed_in_id for h in items if h.reviewed_in_id and not Homework.reviewed_in.is_cached(h)}
    if missing:
        sessions = Session.objects.in_bulk(missing)
        for item in items:
            if item.reviewed_in_id in sessions:
                item.reviewed_in = sessions[item.reviewed_in_id]
    for rating in QualityRating.objects.filter(homework_id__in=list(pairs)):
        pair = pairs[rating.homework_id]
        setattr(pair, "coach" if rating.role == Role.COACH else "client", rating)
    return pairs


# --- Check-ins --------------------------------------------------------------------------------

CHECK_IN_MAX = 10
SCALES_PER_ENGAGEMENT = 6

# The shipped set a coach picks from: key, question, low end, high end.
SHIPPED_SCALES = [
    ("clarity", "Clarity about my direction", "foggy", "crystal clear"),
    ("confidence", "Confidence that I can get there", "none at all", "completely sure"),
    ("energy", "Energy for the search", "drained", "full of it"),
    ("momentum", "Sense of moving forward", "stuck", "moving fast"),
    ("support", "Feeling supported", "on my own", "well backed"),
]


class CheckInScaleQuerySet(models.QuerySet["CheckInScale"]):
    def visible_to(self, user: User) -> CheckInScaleQuerySet:
        """The check-in library a coach picks from: the scales of their own making on their engagements,
        and those the other coaches of their practice share. Shipped scales are everyone's already;
        clients see a scale only through their engagement.

        The one place the shared scales' rule lives: the scales page, the API and the setting read it.
        """
        if not user.is_authenticated or not user.is_coach:
            return self.none()
        shared = Q(shared_at__isnull=False, engagement__coach_id__in=coaches_sharing_with(user))
        return self.filter(Q(engagement__coach_id=user.pk) | shared, key="")

    def library(self) -> list[CheckInScale]:
        """One of each (question, labels), the earliest, with its coach for "shared by"."""
        seen: dict[tuple[str, str, str], CheckInScale] = {}
        for scale in self.select_related("engagement__coach").order_by("pk"):
            seen.setdefault(scale.text, scale)
        return sorted(seen.values(), key=lambda s: s.question.lower())


class CheckInScale(SharedInPractice):
    """One 0–10 scale with labelled ends that the client answers in each reflection."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="check_in_scales")
    key = models.SlugField(
        max_length=30, blank=True, help_text="the shipped scale it came from; blank: the coach's own"
    )
    question = models.CharField(max_length=120)
    low_label = models.CharField("label at 0", max_length=40)
    high_label = models.CharField("label at 10", max_length=40)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # Retired, not deleted: its answers stay in the history and the exports.
    retired_at = models.DateTimeField(null=True, blank=True)
    # shared_at (SharedInPractice): the practice's other coaches may add it to their engagements
    # (a copy: the words, never the answers).

    objects = CheckInScaleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.question

    @property
    def text(self) -> tuple[str, str, str]:
        return (self.question, self.low_label, self.high_label)


class CheckInAnswer(models.Model):
    """The client's answer on one scale before one session."""

    scale = models.ForeignKey(CheckInScale, on_delete=models.CASCADE, related_name="answers")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="check_in_answers")
    value = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scale", "session"], name="one_answer_per_scale_and_session"),
            models.CheckConstraint(condition=Q(value__lte=CHECK_IN_MAX), name="check_in_at_most_ten"),
        ]

    def __str__(self) -> str:
        return f"{self.scale_id}: {self.value} before session {self.session_id}"


# --- Selves to steps --------------------------------------------------------------------------


class Step(models.Model):
    """A homework proposed from a strategy on an exercise answer, linked back to the self it serves."""

    homework = models.OneToOneField(Homework, on_delete=models.CASCADE, related_name="serves")
    source = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="steps")
    self_text = models.CharField("the self it serves", max_length=300)
    self_kind = models.CharField(max_length=30, blank=True)
    strategy = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "self_text", "strategy"], name="one_step_per_strategy")
        ]

    def __str__(self) -> str:
        return f"{self.strategy} (serves {self.self_text[:40]})"
