"""The JSON shape of a webhook and its deliveries, for the API and the coach's export.

Never the secret (the API shows it once, when made or replaced, beside this shape), nor a
delivery's payload: the log says what was sent when and how it was answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legwork.lib.shapes import BOOLEAN, DATETIME, INTEGER, STRING, array, enum, iso, nullable, obj, ref

from .models import SUBSCRIBABLE, Event, Webhook, WebhookDelivery

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


def delivery(item: WebhookDelivery) -> dict[str, Any]:
    return {
        "id": str(item.delivery_id),
        "event": item.event,
        "status": item.status,
        "attempts": item.attempts,
        "status_code": item.status_code,
        "response_excerpt": item.response_excerpt,
        "last_error": item.last_error,
        "created_at": iso(item.created_at),
        "last_attempt_at": iso(item.last_attempt_at),
        "next_attempt_at": iso(item.next_attempt_at) if item.status == WebhookDelivery.Status.WAITING else None,
        "delivered_at": iso(item.delivered_at),
    }


def coach_webhooks(coach: User) -> dict[str, Any]:
    """The coach's own webhooks (a practice's belong to the practice, not to one coach's export)."""
    return {"webhooks": [webhook(item) for item in Webhook.objects.filter(coach=coach).order_by("created_at", "pk")]}


_WEBHOOK = obj(
    {
        "id": INTEGER,
        "url": STRING,
        "events": array(enum(SUBSCRIBABLE)),
        "description": STRING,
        "for_practice": BOOLEAN,
        "active": BOOLEAN,
        "disabled_at": nullable(DATETIME),
        "disabled_reason": STRING,
        "created_at": DATETIME,
    },
    description="A URL Legwork POSTs events to, signed with the webhook's secret (docs/webhooks.md)",
)

SCHEMAS = {
    "Webhook": _WEBHOOK,
    "WebhookSecret": obj(
        {"webhook": ref("Webhook"), "secret": STRING},
        description="The secret is shown here only: keep it to check each delivery's Legwork-Signature",
    ),
    "WebhookDelivery": obj(
        {
            "id": {"type": "string", "format": "uuid", "description": "The Legwork-Delivery header"},
            "event": enum(Event.values),
            "status": enum(WebhookDelivery.Status.values),
            "attempts": INTEGER,
            "status_code": nullable(INTEGER),
            "response_excerpt": STRING,
            "last_error": STRING,
            "created_at": DATETIME,
            "last_attempt_at": nullable(DATETIME),
            "next_attempt_at": nullable(DATETIME),
            "delivered_at": nullable(DATETIME),
        }
    ),
}
