"""Webhooks: registering them, and turning each event into one delivery per webhook that wants it.

Every page, the API and the worker go through these. Events arrive from the loop's and the
reflection's signals (receivers.py), after their transaction committed; each becomes a
`WebhookDelivery` row the worker sends (delivery.py), never a request made in the request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from legwork.lib.rules import RuleBroken
from legwork.lib.shapes import iso
from legwork.practice.models import Membership

from . import payloads
from .addresses import check_url
from .models import SUBSCRIBABLE, Event, Webhook, WebhookDelivery, new_secret

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement

# How many webhooks one coach (or one practice) may have: enough for a CRM, a sheet and a chat.
MAX_WEBHOOKS = 10


def _clean_events(events: list[str]) -> list[str]:
    chosen = [event for event in SUBSCRIBABLE if event in set(events)]
    unknown = set(events) - set(SUBSCRIBABLE)
    if unknown:
        raise RuleBroken(f"No such event: {', '.join(sorted(unknown))}.", field="events")
    if not chosen:
        raise RuleBroken("Choose at least one event.", field="events")
    return [str(event) for event in chosen]


def _admin_practice_id(user: User) -> int:
    membership = Membership.objects.filter(user=user).first()
    if membership is None or not membership.is_admin:
        raise PermissionDenied("Only the practice's admins can add the practice's webhooks.")
    return membership.practice_id


def webhook_create(
    *, by: User, url: str, events: list[str], description: str = "", for_practice: bool = False
) -> Webhook:
    """A new webhook of `by` (a coach), or of their practice when they are its admin. Its secret is new."""
    if not by.is_coach:
        raise PermissionDenied("Webhooks are for coaches.")
    url = url.strip()
    check_url(url)
    chosen = _clean_events(events)
    owner: dict[str, Any] = {"practice_id": _admin_practice_id(by)} if for_practice else {"coach": by}
    with transaction.atomic():
        if Webhook.objects.filter(**owner).count() >= MAX_WEBHOOKS:
            raise RuleBroken(f"{MAX_WEBHOOKS} webhooks at most: remove one first.", field="url")
        return Webhook.objects.create(
            **owner, created_by=by, url=url, events=chosen, description=description.strip()[:100]
        )


def webhook_update(
    *, webhook: Webhook, by: User, url: str, events: list[str], description: str = "", active: bool = True
) -> Webhook:
    """Change the URL, events or description, or turn it on or off. Turning it on again starts afresh."""
    url = url.strip()
    check_url(url)
    webhook.url = url
    webhook.events = _clean_events(events)
    webhook.description = description.strip()[:100]
    if active and not webhook.active:
        webhook.consecutive_failures = 0
        webhook.disabled_at = None
        webhook.disabled_reason = ""
    webhook.active = active
    webhook.save()
    return webhook


def webhook_delete(*, webhook: Webhook, by: User) -> None:
    webhook.delete()


def webhook_rotate_secret(*, webhook: Webhook, by: User) -> str:
    """A new secret; deliveries from now on are signed with it (the old one stops working at once)."""
    webhook.secret = new_secret()
    webhook.save(update_fields=["secret"])
    return webhook.secret


def _delivery(webhook: Webhook, event: str, key: str, data: dict[str, Any]) -> WebhookDelivery:
    delivery_id = uuid.uuid4()
    now = timezone.now()
    payload = payloads.envelope(delivery_id=str(delivery_id), event=event, created_at=iso(now) or "", data=data)
    return WebhookDelivery(
        webhook=webhook,
        event=event,
        delivery_id=delivery_id,
        idempotency_key=f"{webhook.pk}:{key}"[:160],
        payload=payload,
        created_at=now,
        next_attempt_at=now,
    )


def webhook_send_test(*, webhook: Webhook, by: User) -> WebhookDelivery:
    """A test event ("ping"), queued for the worker like any other; sent even to a webhook turned off."""
    delivery = _delivery(webhook, Event.PING, f"ping:{uuid.uuid4().hex}", payloads.ping())
    delivery.save()
    return delivery


def webhooks_for(engagement: Engagement) -> list[Webhook]:
    """The webhooks on for an engagement's events: its coach's own, and their practice's."""
    owners = Q(coach_id=engagement.coach_id)
    practice_id = Membership.objects.filter(user_id=engagement.coach_id).values_list("practice_id", flat=True).first()
    if practice_id is not None:
        owners |= Q(practice_id=practice_id)
    return list(Webhook.objects.filter(owners, active=True))


def event_record(
    *, event: str, engagement: Engagement, key: str, data: Callable[..., dict[str, Any]]
) -> list[WebhookDelivery]:
    """Queue one delivery of `event` for each webhook that wants it; `key` names the occurrence, so hearing the
    same event twice queues it once. `data(for_practice=…)` builds the payload each kind of owner may see."""
    wanting = [webhook for webhook in webhooks_for(engagement) if webhook.wants(event)]
    if not wanting:
        return []
    shapes: dict[bool, dict[str, Any]] = {}
    rows = []
    for webhook in wanting:
        if webhook.for_practice not in shapes:
            shapes[webhook.for_practice] = data(for_practice=webhook.for_practice)
        rows.append(_delivery(webhook, event, f"{event}:{key}", shapes[webhook.for_practice]))
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return rows
