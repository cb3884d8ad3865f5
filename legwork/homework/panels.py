"""The loop's part of pages that lower apps own (the engagement page), through `legwork.lib.panels`."""

from __future__ import annotations

from typing import Any

from django import template

from legwork.coaching.models import Engagement
from legwork.lib.panels import panel

from .models import Homework

HOMEWORK_ON_PAGE = 100


@panel("engagement.column", "homework/_engagement_homework.html")
def engagement_homework(context: template.Context, engagement: Engagement) -> dict[str, Any]:
    """The engagement's homework, newest first, with how much was logged on each: one query."""
    homework = (
        Homework.objects.filter(engagement=engagement)
        .select_related("goal", "agreed_in")
        .with_progress_summary()
        .order_by("-due_on", "-created_at")
    )
    return {"homework": list(homework[:HOMEWORK_ON_PAGE])}  # read here, not from the panel's template
