"""Receivers for the practice's signals."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from legwork.practice.signals import engagement_handed_over

from .models import JournalEntry


@receiver(engagement_handed_over)
def on_engagement_handed_over(sender: Any, engagement: Any, **kwargs: Any) -> None:
    """What the client shared with the old coach is theirs to share again: the new coach starts with nothing.

    Sent inside the transaction that moves the engagement, so the entries are never readable by the new coach."""
    JournalEntry.objects.filter(shared_with=engagement).update(shared_with=None, shared_at=None)
