from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from legwork.coaching.models import Engagement, Goal, Session
from legwork.lib.dates import validate_date_window
from legwork.lib.rules import RuleBroken

if TYPE_CHECKING:
    from legwork.accounts.models import User


class Purpose(models.TextChoices):
    EXPLORE = "explore", "Explore: to know more"
    ACT = "act", "Act: to take a step forward"


class Outcome(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly done"
    NOT_DONE = "not_done", "Not done"
    DROPPED = "dropped", "Dropped"


class Reason(models.TextChoices):
    LIFE = "life", "Life happened"
    TIME = "time", "Time"
    PROCRASTINATION = "procrastination", "Procrastination"
    WRONG_AVENUE = "wrong_avenue", "Not the right avenue"
    UNCLEAR = "unclear", "Unclear or too big"
    OTHER = "other", "Other"


class Decision(models.TextChoices):
    CARRY_OVER = "carry_over", "Carry over"
    CHANGE = "change", "Change it"
    DROP = "drop", "Drop it"


# A carry-over: the work taken into the next interval as a new, linked homework, as it was or changed.
CARRYING_DECISIONS = (Decision.CARRY_OVER, Decision.CHANGE)


def carry_over_counts(homework: Sequence[Homework]) -> dict[int, int]:
    """How many times each homework's work has been carried over before it: the homework behind it on its
    `carried_from` chain (0 = new). The one definition of the count every page shows; no query, so pass
    the whole chain (an engagement's homework)."""
    by_pk = {h.pk: h for h in homework}
    counts: dict[int, int] = {}
    for item in homework:
        count, current, seen = 0, item, {item.pk}
        while current.carried_from_id is not None and current.carried_from_id in by_pk:
            current = by_pk[current.carried_from_id]
            if current.pk in seen:
                break
            seen.add(current.pk)
            count += 1
        counts[item.pk] = count
    return counts


class HomeworkQuerySet(models.QuerySet["Homework"]):
    def visible_to(self, user: User) -> HomeworkQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(engagement__coach=user) | Q(engagement__client=user))

    def open(self) -> HomeworkQuerySet:
        """Not yet reviewed: this interval's homework."""
        return self.filter(outcome="")

    def reviewed(self) -> HomeworkQuerySet:
        return self.exclude(outcome="")

    def with_progress_summary(self) -> HomeworkQuerySet:
        """Annotate `entries` (how many progress entries) and `last_entry` (when the latest was written).

        A join grouped by homework: a homework holds a handful of entries, and two correlated subqueries
        (one probe of the (homework, written_at) index each) took the ORM about 0.3 ms longer to build
        than the join costs to run. With hundreds of entries on one homework the subqueries would win."""
        return self.annotate(entries=Count("progress"), last_entry=Max("progress__written_at"))


class Homework(models.Model):
    """One piece of work agreed at the end of a session, to do before the next one."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        CONFIRMED = "confirmed", "Confirmed"
        CHANGE_REQUESTED = "change_requested", "Change asked for"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="homework")
    agreed_in = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="homework_agreed"
    )
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="homework")
    title = models.CharField("what you will do", max_length=200)
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.ACT)
    first_step = models.CharField("first small step", max_length=300, blank=True)
    plan_when = models.CharField("when", max_length=200, blank=True, help_text="e.g. Tuesday after the school run")
    plan_where = models.CharField("where", max_length=200, blank=True, help_text="e.g. at the kitchen table")
    due_on = models.DateField("due", validators=[validate_date_window])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    change_note = models.CharField("what you would change", max_length=500, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    reason = models.CharField(max_length=20, choices=Reason.choices, blank=True)
    decision = models.CharField(max_length=12, choices=Decision.choices, blank=True)
    outcome_note = models.CharField(max_length=500, blank=True)
    reviewed_in = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="homework_reviewed"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    carried_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    objects = HomeworkQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name_plural = "homework"
        indexes = [
            models.Index(fields=["engagement", "outcome", "due_on"]),
            # The practice admin's counts: homework agreed, and reviewed (with the outcome, so the count reads
            # the index alone), lately, for each engagement of a coach.
            models.Index(fields=["engagement", "created_at"]),
            models.Index(fields=["engagement", "reviewed_at", "outcome"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("homework", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return not self.outcome

    def require_open(self) -> None:
        """Only open homework can be confirmed, changed, edited or take progress: a reviewed one is history."""
        if not self.is_open:
            raise RuleBroken("This homework has been reviewed already: agree a new one at the wrap-up.", conflict=True)

    def confirm(self) -> bool:
        """The client says "I'm in". Saying it again changes nothing: returns whether this call confirmed it.

        A conditional UPDATE, so two tabs confirming at once confirm it (and tell the coach) once.
        """
        self.require_open()
        now = timezone.now()
        changed = (
            Homework.objects.filter(pk=self.pk, outcome="")
            .exclude(status=self.Status.CONFIRMED)
            .update(status=self.Status.CONFIRMED, confirmed_at=now, change_note="")
        )
        if changed:
            self.status, self.confirmed_at, self.change_note = self.Status.CONFIRMED, now, ""
        return bool(changed)

    def request_change(self, note: str) -> None:
        self.require_open()
        self.status = self.Status.CHANGE_REQUESTED
        self.change_note = note
        self.save(update_fields=["status", "change_note"])

    def keep_as_proposed(self) -> None:
        """The coach keeps the homework as it was after a change request: back to the client for "I'm in"."""
        self.require_open()
        self.status = self.Status.PROPOSED
        self.change_note = ""
        self.save(update_fields=["status", "change_note"])

    def record_outcome(self, *, outcome: str, reason: str, decision: str, note: str, session: Session | None) -> None:
        """Give the homework its outcome. Not done needs a reason and a decision; the rules hold for every caller."""
        if outcome not in Outcome.values:
            raise RuleBroken(f"{outcome!r} is not an outcome.", field="outcome")
        if outcome == Outcome.NOT_DONE and reason not in Reason.values:
            raise RuleBroken("Not done needs a reason.", field="reason")
        if outcome == Outcome.NOT_DONE and decision not in Decision.values:
            raise RuleBroken("Not done needs a decision: carry over, change or drop.", field="decision")
        if reason and reason not in Reason.values:
            raise RuleBroken("That reason is not one we know.", field="reason")
        if decision and decision not in Decision.values:
            raise RuleBroken("That decision is not one we know.", field="decision")
        self.outcome = outcome
        self.reason = reason if outcome in (Outcome.NOT_DONE, Outcome.PARTLY) else ""
        self.decision = decision if outcome in (Outcome.NOT_DONE, Outcome.PARTLY) else ""
        self.outcome_note = note
        self.reviewed_in = session
        self.reviewed_at = timezone.now()
        self.save(update_fields=["outcome", "reason", "decision", "outcome_note", "reviewed_in", "reviewed_at"])

    def carry_over_chain(self) -> list[Homework]:
        """This homework and the ones it was carried over from, newest first."""
        chain: list[Homework] = [self]
        current = self
        while current.carried_from_id is not None and len(chain) < 50:
            current = Homework.objects.get(pk=current.carried_from_id)
            chain.append(current)
        return chain

    @property
    def was_carried_over(self) -> bool:
        """Reviewed, and its work taken into the next interval (carried over as it was, or changed)."""
        return self.decision in CARRYING_DECISIONS

    def times_carried_over(self) -> int:
        """How many times this work has been carried over to reach this homework (see `carry_over_counts`)."""
        chain = self.carry_over_chain()
        return carry_over_counts(chain)[self.pk]

    def days_left(self, today: dt.date | None = None) -> int:
        return (self.due_on - (today or timezone.localdate())).days


class ProgressEntryQuerySet(models.QuerySet["ProgressEntry"]):
    def visible_to(self, user: User) -> ProgressEntryQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(homework__engagement__coach=user) | Q(homework__engagement__client=user))


class ProgressEntry(models.Model):
    """A timestamped record of work on a homework.

    `written_at` is set by the server and never edited (for one written offline, the phone's
    time, with `received_at` the server's); `occurred_on` is when the person says the work
    happened. Keeping both means nothing is quietly backdated.
    """

    homework = models.ForeignKey(Homework, on_delete=models.CASCADE, related_name="progress")
    # The homework's engagement, copied (a homework never moves): "the latest work in an engagement"
    # is then one index lookup, not a walk over every homework the engagement ever had.
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+", editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True, max_length=5000)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    occurred_on = models.DateField("when the work happened", validators=[validate_date_window])
    written_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the server got it, for an entry written on a phone offline and sent later (then `written_at`
    # is the phone's time, within bounds); null for one saved as it was written. Shown by `sent_later`.
    received_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Exercise answers as they stood at this sitting (see the exercises app).
    answers = models.JSONField(null=True, blank=True)

    objects = ProgressEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at"]
        verbose_name_plural = "progress entries"
        indexes = [models.Index(fields=["homework", "written_at"]), models.Index(fields=["engagement", "written_at"])]

    def __str__(self) -> str:
        return f"Progress on {self.homework_id} written {self.written_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.engagement_id is None:
            self.engagement_id = self.homework.engagement_id
        super().save(*args, **kwargs)

    @property
    def is_backdated(self) -> bool:
        return self.occurred_on < timezone.localtime(self.written_at).date()
