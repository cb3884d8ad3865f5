"""Notebook panels for pages other apps own: the client's home and the engagement page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from ..models import JournalEntry
from ..services import thinking_time_summary

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement

register = template.Library()
SHARED_ON_PAGE = 5


@register.inclusion_tag("notebook/_home_panel.html")
def notebook_home_panel(user: User, prompt: str = "") -> dict[str, Any]:
    """Client home: the next thinking-time block, how many were taken this interval, the notebook links.

    `prompt`, the page's prompt for today, becomes a "write about it" link that fills the entry's prompt.
    """
    return {"summary": thinking_time_summary(user), "prompt": prompt}


@register.inclusion_tag("notebook/_engagement_panel.html")
def shared_entries_panel(engagement: Engagement, user: User) -> dict[str, Any]:
    """Engagement page: the latest entries the client shared with this coach, marked with when. One query.

    Goes through `visible_to`, so an unshared entry can't appear whatever the engagement says.
    """
    entries = list(
        JournalEntry.objects.visible_to(user)
        .shared_with_engagement(engagement)
        .order_by("-shared_at")[: SHARED_ON_PAGE + 1]
    )
    return {
        "engagement": engagement,
        "entries": entries[:SHARED_ON_PAGE],
        "more": len(entries) > SHARED_ON_PAGE,
        "is_coach": engagement.is_coach(user),
    }
