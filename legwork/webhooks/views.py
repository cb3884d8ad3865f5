"""The webhook pages under /webhooks/: the list with the form to add one, and each webhook's page with its
delivery log. Thin: the rules are in services.py, the gate in access.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from legwork.lib.http import AuthedHttpRequest
from legwork.lib.rules import RuleBroken
from legwork.practice.models import Membership

from . import services
from .access import get_webhook_for_user
from .forms import WebhookForm
from .models import Webhook

LOG_SIZE = 50
# The secret waits in the session between the POST that shows it and the page (post/redirect/get), once.
SHOWN_SECRET = "webhooks.shown_secret"


def _require_coach(request: AuthedHttpRequest) -> None:
    if not request.user.is_coach:
        raise PermissionDenied("Webhooks are for coaches.")


def _is_admin(request: AuthedHttpRequest) -> bool:
    membership = Membership.objects.filter(user=request.user).first()
    return membership is not None and membership.is_admin


def _rule_to_form(form: WebhookForm, error: RuleBroken) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def webhook_list(request: AuthedHttpRequest) -> HttpResponse:
    _require_coach(request)
    is_admin = _is_admin(request)
    form = WebhookForm(request.POST or None, can_choose_practice=is_admin)
    if request.method == "POST" and form.is_valid():
        try:
            webhook = services.webhook_create(
                by=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                for_practice=bool(form.cleaned_data.get("for_practice")),
            )
        except RuleBroken as error:
            _rule_to_form(form, error)
        else:
            request.session[SHOWN_SECRET] = [webhook.pk, webhook.secret]
            messages.success(request, "Webhook added. Copy its secret now to check the signature of each delivery.")
            return redirect(webhook)
    webhooks = list(Webhook.objects.visible_to(request.user).select_related("practice"))
    return render(
        request,
        "webhooks/list.html",
        {"webhooks": webhooks, "form": form, "is_admin": is_admin},
        status=400 if form.errors else 200,
    )


@login_required
def webhook_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    webhook = get_webhook_for_user(request.user, pk)
    initial: dict[str, Any] = {
        "url": webhook.url,
        "events": webhook.events,
        "description": webhook.description,
        "active": webhook.active,
    }
    form = WebhookForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_update(
                webhook=webhook,
                by=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
                active=form.cleaned_data["active"],
            )
        except RuleBroken as error:
            _rule_to_form(form, error)
            webhook.refresh_from_db()
        else:
            messages.success(request, "Saved.")
            return redirect(webhook)
    shown = request.session.pop(SHOWN_SECRET, None) if request.method == "GET" else None
    secret = shown[1] if shown and shown[0] == webhook.pk else None
    deliveries = list(webhook.deliveries.order_by("-created_at", "-pk")[:LOG_SIZE])
    return render(
        request,
        "webhooks/detail.html",
        {"webhook": webhook, "form": form, "deliveries": deliveries, "secret": secret, "log_size": LOG_SIZE},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def webhook_test(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    webhook = get_webhook_for_user(request.user, pk)
    services.webhook_send_test(webhook=webhook, by=request.user)
    messages.success(request, "A test event is queued: the worker sends it within a minute; reload to see its answer.")
    return redirect(webhook)


@login_required
@require_POST
def webhook_secret(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Show the secret once more, or (with rotate=yes) make a new one: the old one stops working at once."""
    webhook = get_webhook_for_user(request.user, pk)
    if request.POST.get("rotate") == "yes":
        secret = services.webhook_rotate_secret(webhook=webhook, by=request.user)
        messages.success(request, "A new secret: deliveries from now on are signed with it.")
    else:
        secret = webhook.secret
    request.session[SHOWN_SECRET] = [webhook.pk, secret]
    return redirect(webhook)


@login_required
@require_POST
def webhook_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    webhook = get_webhook_for_user(request.user, pk)
    services.webhook_delete(webhook=webhook, by=request.user)
    messages.success(request, "Webhook removed, with its delivery log.")
    return redirect("webhooks")
