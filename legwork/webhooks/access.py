"""The one gate for webhooks: a coach's own, and their practice's for its admins; anything else is 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from legwork.coaching.access import int_pk

from .models import Webhook

if TYPE_CHECKING:
    from legwork.accounts.models import User


def get_webhook_for_user(user: User, pk: object) -> Webhook:
    webhook = Webhook.objects.visible_to(user).filter(pk=int_pk(pk)).first()
    if webhook is None:
        raise Http404("No such webhook.")
    return webhook
