"""Notebook panels on pages other apps own (the client's home, the engagement page), through `legwork.lib.panels`."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django import template

from legwork.coaching.models import Engagement
from legwork.lib.panels import panel

from .models import JournalEntry
from .services import thinking_taken, thinking_time_summary

SHARED_ON_PAGE = 5


# Where a request keeps the thinking time taken that its page's panels count: (from when, the moments).
_TAKEN_ON_PAGE = "_notebook_thinking_taken"


def thinking_taken_on_page(context: template.Context, since: dt.datetime) -> list[dt.datetime]:
    """When the signed-in client took their thinking time from `since` on (`thinking_taken`), read once
    for all the panels of a page that count it: the interval's line (insights) and the notebook's panel on
    the client's home, which would otherwise each read it. Kept on the request, so it is this person's and
    this page's alone; a panel asking from an earlier moment than the one read reads again (one query)."""
    request = context["request"]
    loaded: tuple[dt.datetime, list[dt.datetime]] | None = getattr(request, _TAKEN_ON_PAGE, None)
    if loaded is not None and loaded[0] <= since:
        return [moment for moment in loaded[1] if moment >= since]
    taken = thinking_taken(request.user, since)
    setattr(request, _TAKEN_ON_PAGE, (since, taken))
    return taken


@panel("client_home.bottom", "notebook/_home_panel.html")
def notebook_home(context: template.Context, subject: Any) -> dict[str, Any]:
    """Client home: the next thinking-time block, how many were taken this interval, the notebook links.

    The page's prompt for today becomes a "write about it" link that fills the entry's prompt. The page
    passes its engagements, loaded with where each interval began: two queries, one when the interval's
    line has read the thinking time taken already (`thinking_taken_on_page`).
    """
    engagements = subject if isinstance(subject, list) else None
    summary = thinking_time_summary(
        context["request"].user, engagements=engagements, read_taken=partial(thinking_taken_on_page, context)
    )
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
