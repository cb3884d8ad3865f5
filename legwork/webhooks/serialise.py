"""The JSON shape of a webhook, for the coach's export: never its secret, nor the deliveries' payloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legwork.lib.shapes import iso

from .models import Webhook

if TYPE_CHECKING:
    from legwork.accounts.models import User


def webhook(item: Webhook) -> dict[str, Any]:
    return {
        "id": item.pk,
        "url": item.url,
        "events": item.events,
        "description": item.description,
        "for_practice": item.for_practice,
        "active": item.active,
        "disabled_at": iso(item.disabled_at),
        "disabled_reason": item.disabled_reason,
        "created_at": iso(item.created_at),
    }


def coach_webhooks(coach: User) -> dict[str, Any]:
    """The coach's own webhooks (a practice's belong to the practice, not to one coach's export)."""
    return {"webhooks": [webhook(item) for item in Webhook.objects.filter(coach=coach).order_by("created_at", "pk")]}
