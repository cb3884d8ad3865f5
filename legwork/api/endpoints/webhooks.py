"""Webhooks, as on the /webhooks/ pages: through the webhook app's gate (`get_webhook_for_user`) and services.

A coach reads and changes their own webhooks; a practice's admins, the practice's too.
The secret is shown when a webhook is made and when it is replaced, never in its shape.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from legwork.coaching.access import require_is_coach
from legwork.lib.shapes import Schema, ref
from legwork.webhooks import serialise, services
from legwork.webhooks.access import get_webhook_for_user
from legwork.webhooks.forms import WebhookForm
from legwork.webhooks.models import Webhook

from ..binding import bind, form_schema
from ..http import json_body, signed_in
from ..pagination import QUERY, page_schema, paginate
from ..router import router

SCHEMAS = {"WebhookPage": page_schema("Webhook"), "WebhookDeliveryPage": page_schema("WebhookDelivery")}


def _body(*, partial: bool, flag: str, description: str) -> Schema:
    """The page's form as a JSON body, with the one choice the page shows only to some (or only when editing)."""
    schema = form_schema(WebhookForm, partial=partial)
    schema["properties"][flag] = {"type": "boolean", "description": description}
    return schema


@router.get(
    "/webhooks",
    summary="Your webhooks, and your practice's if you are its admin",
    response=ref("WebhookPage"),
    role="coach",
    query=QUERY,
)
def webhook_list(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    webhooks = Webhook.objects.visible_to(user)
    return paginate(request, webhooks, order=("created_at", "pk"), serialise=serialise.webhook)


@router.post(
    "/webhooks",
    summary="Add a webhook; the answer holds its secret, shown only now",
    description="At most 10 per coach (and per practice). The URL must be http(s) on a public address.",
    response=ref("WebhookSecret"),
    status=201,
    role="coach",
    body=lambda: _body(
        partial=False,
        flag="for_practice",
        description="For the whole practice (its admins only): every coach's events, ids and outcomes only",
    ),
)
def webhook_create(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    form = bind(lambda data: WebhookForm(data, can_choose_practice=True), json_body(request))
    webhook = services.webhook_create(
        by=user,
        url=form.cleaned_data["url"],
        events=form.cleaned_data["events"],
        description=form.cleaned_data["description"],
        for_practice=bool(form.cleaned_data.get("for_practice")),
    )
    return {"webhook": serialise.webhook(webhook), "secret": webhook.secret}


@router.get("/webhooks/{id}", summary="One webhook (without its secret)", response=ref("Webhook"))
def webhook_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    return serialise.webhook(get_webhook_for_user(signed_in(request), id))


@router.patch(
    "/webhooks/{id}",
    summary="Change the URL, events or description, or turn it off or on; fields left out stay as they are",
    description="Turning a webhook on again starts its run of failures from 0.",
    response=ref("Webhook"),
    body=lambda: _body(partial=True, flag="active", description="On: events are delivered"),
)
def webhook_edit(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    webhook = get_webhook_for_user(user, id)
    initial = {name: getattr(webhook, name) for name in ("url", "events", "description", "active")}
    form = bind(lambda data: WebhookForm(data, initial=initial, editing=True), json_body(request), partial=True)
    services.webhook_update(webhook=webhook, by=user, **form.cleaned_data)
    return serialise.webhook(webhook)


@router.delete("/webhooks/{id}", summary="Remove the webhook, with its delivery log")
def webhook_delete(request: HttpRequest, id: str) -> None:
    user = signed_in(request)
    services.webhook_delete(webhook=get_webhook_for_user(user, id), by=user)


@router.post(
    "/webhooks/{id}/test",
    summary="Queue a test event (ping); the worker sends it, even to a webhook turned off",
    response=ref("WebhookDelivery"),
    status=201,
)
def webhook_test(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    return serialise.delivery(services.webhook_send_test(webhook=get_webhook_for_user(user, id), by=user))


@router.post(
    "/webhooks/{id}/secret",
    summary="Replace the secret: deliveries from now on are signed with the new one, shown only in this answer",
    response=ref("WebhookSecret"),
)
def webhook_secret(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    webhook = get_webhook_for_user(user, id)
    secret = services.webhook_rotate_secret(webhook=webhook, by=user)
    return {"webhook": serialise.webhook(webhook), "secret": secret}


@router.get(
    "/webhooks/{id}/deliveries",
    summary="The webhook's deliveries, newest first: what was sent when, and how it was answered (not the payloads)",
    response=ref("WebhookDeliveryPage"),
    query=QUERY,
)
def webhook_deliveries(request: HttpRequest, id: str) -> dict[str, Any]:
    webhook = get_webhook_for_user(signed_in(request), id)
    return paginate(request, webhook.deliveries.all(), order=("-created_at", "-pk"), serialise=serialise.delivery)
