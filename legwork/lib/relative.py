"""Relative times in plain words: "just now", "5 minutes ago", "yesterday", "3 days ago", "last week".

One filter for every template, `{{ entry.written_at|ago }}` (a builtin, so no `{% load %}`).
Django's `timesince` says "0 minutes" and "1 week, 3 days"; people say neither (one unit, whole:
"2 weeks ago", "3 months ago"). Days are counted on the viewer's calendar (the active time zone,
set per person by the accounts middleware): an entry from 21:00 last night is "yesterday" at 08:00 (not "11 hours ago"),
and one from 09:00 the day before yesterday is "2 days ago" at 08:00 (though under 48 hours).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def relative_time(value: dt.datetime, now: dt.datetime | None = None, zone: dt.tzinfo | None = None) -> str:
    """`value` relative to `now`, in words, with calendar days in `zone` (default: the active zone)."""
    now = now or timezone.now()
    zone = zone or timezone.get_current_timezone()
    past = value <= now
    seconds = abs((now - value).total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        words = _plural(int(seconds // 60), "minute")
        return f"{words} ago" if past else f"in {words}"
    days = abs((timezone.localtime(now, zone).date() - timezone.localtime(value, zone).date()).days)
    if days == 0 or seconds < 6 * 3600:
        # Within the same day, or a few hours across midnight: hours say more than "yesterday".
        words = _plural(int(seconds // 3600), "hour")
        return f"{words} ago" if past else f"in {words}"
    if days == 1:
        return "yesterday" if past else "tomorrow"
    if days < 7:
        words = _plural(days, "day")
    elif days < 14:
        # One word, as people say it: never "1 week, 3 days".
        return "last week" if past else "next week"
    elif days < 45:
        words = _plural(days // 7, "week")
    elif days < 365:
        words = _plural(round(days / 30.4), "month")
    else:
        words = _plural(days // 365, "year")
    return f"{words} ago" if past else f"in {words}"


@register.filter(expects_localtime=False)
def ago(value: dt.datetime | None) -> str:
    """The template filter; an empty value gives an empty string."""
    if not isinstance(value, dt.datetime):
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return relative_time(value)
