"""What the reminders pages ask for: saving preferences, the unsubscribe token, a new feed URL.

The worker's parts live beside this: planning.py (the rows for what lies ahead),
composing.py (what a due reminder says), dispatch.py (email, inbox or later),
outbox.py (the outbox rows: render, claim, mark) and delivery.py (SMTP).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.db import transaction

from legwork.lib.rules import RuleBroken

from .models import CalendarFeed, Preferences
from .planning import reminders_replan_hour

if TYPE_CHECKING:
    from legwork.accounts.models import User


def preferences_save(*, prefs: Preferences, old_hour: int) -> None:
    """Save preferences; reminders already planned at the old hour move to the new one, on the same local day."""
    with transaction.atomic():
        prefs.save()
        if prefs.hour != old_hour:
            reminders_replan_hour(prefs=prefs)


def unsubscribe_token(user: User) -> str:
    """A short signed token naming the person, for the one-click unsubscribe link (works without signing in)."""
    return signing.Signer(salt="reminders.unsubscribe").sign(str(user.pk))


def user_for_unsubscribe_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt="reminders.unsubscribe").unsign(token))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def feed_regenerate(*, user: User, replace: bool = True) -> str:
    """Give the person a new secret feed URL token; any old URL stops working at once. Returns the token.

    With `replace=False` (a person's page, until they say yes) an existing feed is kept and
    `RuleBroken` says why: calendars subscribed to the old address would go quiet without a word.
    """
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is not None and not replace:
            raise RuleBroken(
                "You already have a feed address. Tick the box to replace it: the old one stops working.",
                field="replace",
            )
        feed = feed or CalendarFeed(user=user)
        token = feed.set_new_token()
        feed.save()
    return token
