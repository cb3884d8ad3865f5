"""Webhooks and their deliveries (docs/webhooks.md).

A `Webhook` belongs to a coach (their own engagements' events) or to a practice (its
coaches' events, for its admins, with ids and counts only). Each event it wants becomes a
`WebhookDelivery` row with a unique idempotency key, claimed by the worker with a lease,
POSTed with a signature, and marked; a failure is tried again later, with a growing pause.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from legwork.practice.models import Membership

if TYPE_CHECKING:
    from legwork.accounts.models import User


class Event(models.TextChoices):
    HOMEWORK_AGREED = "homework.agreed", "Homework agreed (the client's “I'm in”)"
    PROGRESS_LOGGED = "progress.logged", "Progress logged"
    REFLECTION_WRITTEN = "reflection.written", "Reflection written"
    HOMEWORK_REVIEWED = "homework.reviewed", "Homework reviewed at a session"
    # Sent only from the webhook's page ("Send a test event"); nobody subscribes to it.
    PING = "ping", "Test event"


SUBSCRIBABLE = [Event.HOMEWORK_AGREED, Event.PROGRESS_LOGGED, Event.REFLECTION_WRITTEN, Event.HOMEWORK_REVIEWED]


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookQuerySet(models.QuerySet["Webhook"]):
    def visible_to(self, user: User) -> WebhookQuerySet:
        """A coach's own webhooks, and their practice's if they are its admin (the one gate, access.py)."""
        if not user.is_authenticated or not user.is_coach:
            return self.none()
        mine = Q(coach=user)
        membership = Membership.objects.filter(user=user).first()
        if membership is not None and membership.is_admin:
            mine |= Q(practice_id=membership.practice_id)
        return self.filter(mine)


class Webhook(models.Model):
    """A URL told of some events: a coach's (their engagements) or a practice's (its coaches', ids only)."""

    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )
    practice = models.ForeignKey(
        "practice.Practice", null=True, blank=True, on_delete=models.CASCADE, related_name="webhooks"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    url = models.URLField("URL", max_length=500)
    events = models.JSONField(default=list)
    description = models.CharField(max_length=100, blank=True)
    # Kept as it is, not hashed: every delivery is signed with it (as Stripe and GitHub keep theirs).
    secret = models.CharField(max_length=80, default=new_secret)
    active = models.BooleanField(default=True)
    # Failed tries in a row, over all deliveries; a success sets it back to 0. Too many turn the webhook off.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coach__isnull=False, practice__isnull=True) | Q(coach__isnull=True, practice__isnull=False),
                name="webhook_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.url

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("webhook_detail", args=[self.pk])

    @property
    def for_practice(self) -> bool:
        return self.practice_id is not None

    def wants(self, event: str) -> bool:
        return self.active and event in self.events

    def event_labels(self) -> list[str]:
        return [Event(event).label for event in self.events if event in Event.values]

    def sign(self, body: bytes, timestamp: int) -> str:
        """The `Legwork-Signature` header: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""
        signed = str(timestamp).encode() + b"." + body
        digest = hmac.new(self.secret.encode(), signed, hashlib.sha256).hexdigest()
        return f"t={timestamp},v1={digest}"


class DeliveryQuerySet(models.QuerySet["WebhookDelivery"]):
    def claimable(self, now: dt.datetime) -> DeliveryQuerySet:
        """Waiting and due, or claimed by a worker whose lease ran out; only for webhooks still on."""
        waiting = Q(status=WebhookDelivery.Status.WAITING, next_attempt_at__lte=now)
        abandoned = Q(status=WebhookDelivery.Status.SENDING, lease_until__lt=now)
        # A test event goes even to a webhook turned off: it is how its owner checks it works again.
        return self.filter(waiting | abandoned).filter(Q(webhook__active=True) | Q(event=Event.PING))


class WebhookDelivery(models.Model):
    """One event for one webhook: POSTed by the worker, tried again with back-off until it is answered 2xx."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        SENDING = "sending", "Sending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=30, choices=Event.choices)
    # The `Legwork-Delivery` header: the same on every try, so a receiver can drop a repeat.
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # One delivery per webhook and occurrence, however often a signal is heard: "<webhook>:<event>:<object>".
    idempotency_key = models.CharField(max_length=160, unique=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=64, blank=True, db_index=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=300, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["webhook", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} to webhook {self.webhook_id} ({self.status})"
