""" "Written on your phone at 08:12, sent at 09:40": an item written offline and sent later, said as such.

A progress entry, a journal draft or a thinking-time mark written on a phone with no signal keeps
the phone's time as when it was written (`written_at`, a draft's `created_at`, a mark's
`recorded_at`) and the server's as when it arrived (`received_at`, null for one saved as it was
written). Wherever such an item is shown, to the client or the coach, one tag says both, in the
viewer's own time zone (the active zone, set per person by the accounts middleware), once they
differ by more than `SENT_LATER_AFTER`: a few minutes' wait is not worth a line.

    {% sent_later entry.written_at entry.received_at entry.author_id as later %}
    {% if later %}<span class="muted small">{{ later }}</span>{% endif %}

A builtin library (settings.TEMPLATES), so no `{% load %}`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()

SENT_LATER_AFTER = dt.timedelta(minutes=5)


def was_sent_later(written_at: dt.datetime | None, received_at: dt.datetime | None) -> bool:
    """Whether an item arrived notably later than it was written (the rule, once)."""
    if written_at is None or received_at is None:
        return False
    return received_at - written_at > SENT_LATER_AFTER


def sent_later_words(
    written_at: dt.datetime, received_at: dt.datetime, *, whose: str = "your", zone: dt.tzinfo | None = None
) -> str:
    """'Written on your phone at 08:12, sent at 09:40', with the days named when they differ."""
    zone = zone or timezone.get_current_timezone()
    written, received = timezone.localtime(written_at, zone), timezone.localtime(received_at, zone)
    if written.date() == received.date():
        return f"Written on {whose} phone at {written:%H:%M}, sent at {received:%H:%M}"
    day = "%a %-d %b"
    return f"Written on {whose} phone on {written:{day}} at {written:%H:%M}, sent {received:{day}} at {received:%H:%M}"


@register.simple_tag(takes_context=True)
def sent_later(context: template.Context, written_at: Any, received_at: Any, author_id: int | None = None) -> str:
    """The words for an item sent later, or "" for one saved as it was written.

    "your phone" when the viewer wrote it (their id is `author_id`), "their phone" for anyone else
    reading it (the coach), "a phone" when the author is not known."""
    if not isinstance(written_at, dt.datetime) or not isinstance(received_at, dt.datetime):
        return ""
    if not was_sent_later(written_at, received_at):
        return ""
    user = context.get("user")
    viewer = getattr(user, "pk", None)
    whose = "a" if author_id is None else ("your" if author_id == viewer else "their")
    return sent_later_words(written_at, received_at, whose=whose)
