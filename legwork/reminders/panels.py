"""The reminders' parts of other apps' pages, through `legwork.lib.panels`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.db.models import Count, Exists

from legwork.lib.first_steps import Done, first_step
from legwork.lib.panels import panel

from .models import Preferences, Reminder

if TYPE_CHECKING:
    from legwork.accounts.models import User


def inbox_counts(user: User) -> dict[str, int]:
    """How many reminders in the person's inbox are unread, and how many of those could not be emailed.

    One query, a row per status at most: the counts are made by the database, not by reading each
    reminder (grouped by status rather than two filtered aggregates, which the ORM builds more slowly)."""
    by_status = dict(
        Reminder.objects.visible_to(user)
        .in_inbox()
        .filter(read_at__isnull=True)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return {"unread": sum(by_status.values()), "failed": by_status.get(Reminder.Status.FAILED, 0)}


@panel("client_home.top", "reminders/_notice.html")
def inbox_notice(context: template.Context, subject: Any) -> dict[str, Any] | None:
    """On the client's home: unread reminders and any that could not be emailed (one query)."""
    user = context["request"].user
    if not user.is_authenticated:
        return None
    return inbox_counts(user)


@panel("profile.links", "reminders/_profile_links.html")
def profile_links(context: template.Context, subject: Any) -> dict[str, Any]:
    """On the profile page: links to reminder preferences and the calendar feed (no queries)."""
    return {}


@first_step("reminders", "Choose when reminders reach you", "reminders_preferences", order=40)
def reminders_chosen(user: Any) -> Done:
    """The preferences are saved the first time their page is opened, with what it shows."""
    return Exists(Preferences.objects.filter(user=user.pk))
