"""Telling the other person: each thread message and acknowledgement becomes a reminder in the outbox.

The reminders app then does what it does for every reminder: each person's daily cap, quiet hours
and weekly digest, the inbox for the rest, the outbox with its lease and idempotency key. An email
carries who wrote on which homework and a link; the words only for someone who turned on "include
the message in emails". Messages on one homework that arrive while its reminder still waits make
one email, not one each.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from legwork.reminders.models import Kind, Preferences, Reminder
from legwork.reminders.text import one_line

from . import replies

if TYPE_CHECKING:
    from legwork.accounts.models import User

    from .models import Acknowledgement, Message

# A thread email waits this long, so a quick back-and-forth on the page makes one email, not three.
GATHER = dt.timedelta(minutes=5)


def _wants_words(user: User) -> bool:
    return Preferences.objects.filter(user=user, include_message=True).exists()


def tell_about_message(message: Message) -> None:
    from .models import Message as M

    homework = message.homework
    engagement = homework.engagement
    author = message.author
    if author is None:
        return
    recipient = engagement.client if engagement.is_coach(author) else engagement.coach
    who, what = one_line(author.display_name), one_line(homework.title)
    if message.kind == M.Kind.ACCEPTED:
        title = f"{who} accepted your change to “{what}”: it is back with you for “I'm in”"
    elif message.kind == M.Kind.KEPT:
        title = f"{who} kept “{what}” as it was: it is back with you for “I'm in”"
    else:
        title = f"{who} wrote on “{what}”"
    text = message.body if message.body and _wants_words(recipient) else ""
    now = timezone.now()
    with transaction.atomic():
        waiting = (
            Reminder.objects.select_for_update()
            .filter(recipient=recipient, kind=Kind.THREAD, homework=homework, status=Reminder.Status.PENDING)
            .first()
        )
        if waiting is not None:
            # One email for a burst: the count in the title, the words (if wanted) of each message.
            count = int(waiting.items[0]["count"]) + 1 if waiting.items and "count" in waiting.items[0] else 2
            waiting.title = one_line(f"{count} new messages on “{what}”")
            waiting.items = [{"count": str(count), "title": waiting.title, "url": waiting.link}]
            waiting.text = "\n\n".join(part for part in (waiting.text, text) if part)
            waiting.save(update_fields=["title", "items", "text"])
            return
        Reminder.objects.create(
            recipient=recipient,
            kind=Kind.THREAD,
            homework=homework,
            due_at=now + GATHER,
            title=one_line(title),
            link=homework.get_absolute_url() + "#thread",
            text=text,
            reply_to=replies.reply_address(recipient, homework),
            dedupe_key=f"thread:{homework.pk}:{recipient.pk}:{message.pk}",
        )


def tell_about_acknowledgement(ack: Acknowledgement) -> None:
    engagement = ack.engagement
    coach = one_line(engagement.coach.display_name)
    if ack.progress_entry_id is not None:
        entry = ack.progress_entry
        assert entry is not None
        homework = entry.homework
        title = f"{coach} saw your progress on “{one_line(homework.title)}”"
        link = homework.get_absolute_url() + "#thread"
    else:
        reflection = ack.reflection
        assert reflection is not None
        homework = None
        title = f"{coach} read your reflection"
        link = reverse("reflection_edit", args=[reflection.session_id])
    Reminder.objects.create(
        recipient=engagement.client,
        kind=Kind.ACKNOWLEDGED,
        homework=homework,
        session=ack.reflection.session if ack.reflection is not None else None,
        due_at=timezone.now() + GATHER,
        title=one_line(title),
        link=link,
        text=ack.word if ack.word and _wants_words(engagement.client) else "",
        dedupe_key=f"acknowledged:{ack.pk}",
    )
