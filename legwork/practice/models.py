"""A practice: one coaching organisation, its coaches and their roles; coach invitations; handovers.

A solo coach is a practice of one: `practice_of(coach)` makes it the first time it is asked for,
so nothing is set up by hand (and a data migration made one for every coach who existed before).
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from legwork.coaching.models import Engagement, hash_token

if TYPE_CHECKING:
    from legwork.accounts.models import User

COACH_INVITATION_LIFETIME = dt.timedelta(days=14)


class Practice(models.Model):
    """One coaching organisation: an owner (an admin), maybe more admins, and coaches."""

    name = models.CharField(max_length=120)
    # Single sign-on: a new person signing in through the practice's identity provider with an
    # address at one of these domains becomes a coach of this practice (just in time), and nobody else.
    sso_domains = models.CharField(
        "email domains for single sign-on",
        max_length=500,
        blank=True,
        help_text="Comma-separated, e.g. careers.example.ac.uk. New people signing in through the "
        "practice's identity provider with such an address become its coaches.",
    )
    sso_provider = models.CharField(
        "identity provider",
        max_length=100,
        blank=True,
        help_text="The id of the allauth provider app (OpenID Connect or SAML) tied to this practice.",
    )
    password_sign_in = models.BooleanField(
        "coaches may sign in with a password",
        default=True,
        help_text="Turn off once single sign-on works: the practice's coaches then sign in only through it.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.sso_domains.split(",") if d.strip()]


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(deactivated_at__isnull=True)

    def admins(self) -> MembershipQuerySet:
        return self.filter(role__in=[Membership.Role.OWNER, Membership.Role.ADMIN])


class Membership(models.Model):
    """A coach's place in their practice. One practice per coach."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        COACH = "coach", "Coach"

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.COACH)
    joined_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["practice", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.practice} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role in (self.Role.OWNER, self.Role.ADMIN) and self.deactivated_at is None

    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None


class CoachInvitationQuerySet(models.QuerySet["CoachInvitation"]):
    def pending(self, now: dt.datetime | None = None) -> CoachInvitationQuerySet:
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class CoachInvitation(models.Model):
    """A single-use, expiring link by which a coach joins a practice (only the token's hash is kept)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="coach_invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Membership.Role.choices, default=Membership.Role.COACH)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CoachInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Coach invitation for {self.email}"

    def set_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.expires_at = timezone.now() + COACH_INVITATION_LIFETIME
        return token

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class Handover(models.Model):
    """An admin's proposal to move a client's engagement to another coach of the practice.

    It takes effect only when the client agrees; the client may say no.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the client"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="handovers")
    from_coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    to_coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("a word to the client", max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["engagement"], condition=Q(status="pending"), name="one_pending_handover")
        ]

    def __str__(self) -> str:
        return f"Handover of {self.engagement_id} to {self.to_coach_id} ({self.status})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("handover", args=[self.pk])

    def is_client(self, user: User) -> bool:
        return self.engagement.client_id == user.pk


class SharedInPractice(models.Model):
    """A coach's own piece of work (an exercise, a check-in scale) that they may share with their practice.

    `shared_at` is set while it is shared: the practice's other coaches may then use it (what they may do with
    it is each model's rule); null, it is its coach's alone. Who sees it is `coaches_sharing_with`.
    """

    shared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def share(self) -> None:
        if self.shared_at is None:
            self.shared_at = timezone.now()
            self.save(update_fields=["shared_at"])

    def unshare(self) -> None:
        """Back to its coach's alone; what was made from it while shared keeps its copy."""
        if self.shared_at is not None:
            self.shared_at = None
            self.save(update_fields=["shared_at"])


def coaches_sharing_with(coach: User) -> QuerySet[Membership, int]:
    """The ids of the other coaches of `coach`'s practice: whose shared exercises and scales `coach` may use.

    A subquery (one query with whatever filters on it), empty for a coach in no practice yet and for a
    client. A deactivated colleague's shared work stays in the practice's library: a careers service
    keeps an adviser's worksheets when the adviser leaves.
    """
    if not coach.is_authenticated or not coach.is_coach:
        return Membership.objects.none().values_list("user_id", flat=True)
    practice = Subquery(Membership.objects.filter(user_id=coach.pk).values("practice_id")[:1])
    return Membership.objects.filter(practice_id=practice).exclude(user_id=coach.pk).values_list("user_id", flat=True)
