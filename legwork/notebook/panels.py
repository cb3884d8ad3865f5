"""Notebook panels on pages other apps own (the client's home, the engagement page), through `legwork.lib.panels`."""

from __future__ import annotations

from typing import Any

from django import template

from legwork.coaching.models import Engagement
from legwork.lib.panels import panel

from .models import JournalEntry
from .services import thinking_time_summary

SHARED_ON_PAGE = 5


@panel("client_home.bottom", "notebook/_home_panel.html")
def notebook_home(context: template.Context, subject: Any) -> dict[str, Any]:
    """Client home: the next thinking-time block, how many were taken this interval, the notebook links.

    The page's prompt for today becomes a "write about it" link that fills the entry's prompt. The page
    passes its engagements, loaded with where each interval began: two queries.
    """
    engagements = subject if isinstance(subject, list) else None
    summary = thinking_time_summary(context["request"].user, engagements=engagements)
    return {"summary": summary, "prompt": context.get("prompt", "")}


@panel("engagement.middle", "notebook/_engagement_panel.html")
def shared_entries(context: template.Context, engagement: Engagement) -> dict[str, Any]:
    """Engagement page: the latest entries the client shared with this coach, marked with when. One query.

    Goes through `visible_to`, so an unshared entry can't appear whatever the engagement says.
    """
    user = context["request"].user
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
