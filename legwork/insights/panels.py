"""Insight panels on pages lower apps own (the engagement page, the client's home), through `legwork.lib.panels`."""

from __future__ import annotations

from typing import Any

from django import template

from legwork.coaching.models import Engagement, Session
from legwork.lib.panels import panel
from legwork.notebook.panels import thinking_taken_on_page

from . import pages
from .history import interval_line_before, interval_start_before
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

    Two queries (`interval_line_before`), as the session's engagement and its client come loaded with the
    page's engagement, and the session with where its interval began: the entries' days, and the thinking
    time taken, which the notebook's panel below counts too and so reads no more
    (`thinking_taken_on_page`). The progress POST sends this line alone again."""
    session: Session | None = getattr(engagement, "next", None)
    if not engagement.is_client(context["request"].user) or session is None:
        return None
    taken = thinking_taken_on_page(context, interval_start_before(session))
    return {
        # The line counts days with work: the entries' days and the thinking time taken, not whole rows.
        "insights": interval_line_before(session, thinking_taken=taken),
        "session": session,
        # Loaded with the session on the client's home; one query elsewhere. None if not written yet.
        "reflection": getattr(session, "reflection", None),
    }
