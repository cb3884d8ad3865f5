"""The one gate for reminders and push devices: a person's own, else 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from legwork.coaching.access import int_pk

from .models import PushSubscription, Reminder

if TYPE_CHECKING:
    from legwork.accounts.models import User


def get_reminder_for_user(user: User, pk: object) -> Reminder:
    reminder = Reminder.objects.visible_to(user).in_inbox().filter(pk=int_pk(pk)).first()
    if reminder is None:
        raise Http404("No such reminder.")
    return reminder


def get_push_subscription_for_user(user: User, pk: object) -> PushSubscription:
    subscription = PushSubscription.objects.visible_to(user).filter(pk=int_pk(pk)).first()
    if subscription is None:
        raise Http404("No such device.")
    return subscription
