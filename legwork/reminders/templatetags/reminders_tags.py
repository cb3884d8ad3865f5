from __future__ import annotations

from typing import Any

from django import template

from legwork.reminders.models import Reminder

register = template.Library()


@register.inclusion_tag("reminders/_profile_links.html")
def reminders_profile_links() -> dict[str, Any]:
    return {}


@register.inclusion_tag("reminders/_notice.html", takes_context=True)
def reminders_notice(context: template.Context) -> dict[str, Any]:
    """Unread reminders and any that could not be emailed: one query."""
    user = context["request"].user
    counts = {"unread": 0, "failed": 0}
    if user.is_authenticated:
        for status in (
            Reminder.objects.visible_to(user).in_inbox().filter(read_at__isnull=True).values_list("status", flat=True)
        ):
            counts["unread"] += 1
            counts["failed"] += status == Reminder.Status.FAILED
    return counts
