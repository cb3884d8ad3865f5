"""Insight panels on pages lower apps own (the engagement page, the client's home), through `legwork.lib.panels`."""

from __future__ import annotations

from typing import Any

from django import template

from legwork.coaching.models import Engagement, Session
from legwork.lib.panels import panel

from . import metrics, pages
from .history import interval_before
from .models import charts_on_for


@panel("engagement.top", "insights/engagement_panel.html")
def engagement_insights(context: template.Context, engagement: Engagement) -> dict[str, Any] | None:
    """The coach's follow-through panel on an engagement page (nothing for the client: they have their own page)."""
    if not engagement.is_coach(context["request"].user):
        return None
    return {
        "engagement": engagement,
        "data": pages.engagement_insights(engagement),
        "charts_on": charts_on_for(engagement),
    }


@panel("client_home.interval", "insights/client_line.html")
def interval_insight(context: template.Context, engagement: Engagement) -> dict[str, Any] | None:
    """On the client's home: one kind line about this interval, and a prompt to write the reflection.

    Four queries (`interval_before` without planned thinking time), as the session's engagement and its
    client come loaded with the page's engagement; the progress POST sends this line alone again."""
    session: Session | None = getattr(engagement, "next", None)
    if not engagement.is_client(context["request"].user) or session is None:
        return None
    # The line counts days with work; the thinking time planned but not marked is not needed (a query less).
    interval = interval_before(session, planned_thinking=False)
    return {
        "insights": metrics.interval_line(interval),
        "session": session,
        # Loaded with the session on the client's home; one query elsewhere. None if not written yet.
        "reflection": getattr(session, "reflection", None),
    }
