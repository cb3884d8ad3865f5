"""Insight panels for pages other apps own: one tag each, a fixed number of queries each."""

from __future__ import annotations

from typing import Any

from django import template

from legwork.coaching.models import Engagement, Session

from .. import metrics, pages
from ..history import interval_before
from ..models import charts_on_for

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    return metrics.percent(value)


@register.inclusion_tag("insights/engagement_panel.html", takes_context=True)
def engagement_insights_panel(context: dict[str, Any], engagement: Engagement) -> dict[str, Any]:
    """The coach's follow-through panel on an engagement page (nothing for the client: they have their own page)."""
    user = context["request"].user
    if not engagement.is_coach(user):
        return {"data": None, "hidden": True}
    return {
        "engagement": engagement,
        "data": pages.engagement_insights(engagement),
        "charts_on": charts_on_for(engagement),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("insights/client_line.html", takes_context=True)
def interval_insight(context: dict[str, Any], engagement: Engagement) -> dict[str, Any]:
    """On the client's home: one kind line about this interval, and a prompt to write the reflection."""
    user = context["request"].user
    session: Session | None = getattr(engagement, "next", None)
    if not engagement.is_client(user) or session is None:
        return {}
    interval = interval_before(session)
    return {
        "insights": metrics.interval_insights(interval),
        "session": session,
        # Loaded with the session on the client's home; one query elsewhere. None if not written yet.
        "reflection": getattr(session, "reflection", None),
    }
