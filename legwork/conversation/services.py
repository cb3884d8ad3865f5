"""The conversation's rules, once for the pages, the API and replies by email."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from legwork.homework.models import Homework, ProgressEntry
from legwork.insights.models import Reflection
from legwork.lib.rules import RuleBroken

from . import delivery
from .models import MESSAGE_MAX, WORD_MAX, Acknowledgement, Message

if TYPE_CHECKING:
    from legwork.accounts.models import User


def require_participant(homework: Homework, user: User) -> None:
    """Only the engagement's coach and client write in its threads (the gates already hide it from others)."""
    engagement = homework.engagement
    if not (engagement.is_coach(user) or engagement.is_client(user)):
        raise RuleBroken("Only the coach and the client of this engagement write here.", conflict=True)


def thread_post(
    *,
    homework: Homework,
    by: User,
    body: str,
    kind: str = Message.Kind.MESSAGE,
    email_message_id: str | None = None,
) -> Message:
    """Add a message to the homework's thread and tell the other person (calmly, through the outbox).

    With `email_message_id` (a reply by email) the same email posts once: a second call returns the
    message the first one made.
    """
    require_participant(homework, by)
    body = body.strip()
    if kind == Message.Kind.MESSAGE and not body:
        raise RuleBroken("Write a message first.", field="body")
    if len(body) > MESSAGE_MAX:
        raise RuleBroken(f"A message is at most {MESSAGE_MAX} characters.", field="body")
    if email_message_id:
        existing = Message.objects.filter(email_message_id=email_message_id).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            message = Message.objects.create(
                homework=homework,
                engagement_id=homework.engagement_id,
                author=by,
                kind=kind,
                body=body,
                email_message_id=email_message_id or None,
            )
    except IntegrityError:
        # Two workers read the same reply at once: the other one posted it.
        found = Message.objects.filter(email_message_id=email_message_id).first() if email_message_id else None
        if found is None:
            raise
        return found
    # A change request tells the coach already ("asks to change …", a reminder of its own).
    if kind != Message.Kind.CHANGE_REQUEST:
        transaction.on_commit(lambda: delivery.tell_about_message(message))
    return message


def change_is_open(homework: Homework) -> bool:
    """A change was asked for and the coach has not yet accepted it or kept the homework."""
    return homework.is_open and homework.status == Homework.Status.CHANGE_REQUESTED


def change_keep(*, homework: Homework, by: User, body: str = "") -> Message:
    """The coach keeps the homework as it was: it goes back to the client for "I'm in", with the coach's why."""
    if not homework.engagement.is_coach(by):
        raise RuleBroken("Only the coach answers a change request.", conflict=True)
    if not change_is_open(homework):
        raise RuleBroken("No change is waiting for an answer on this homework.", conflict=True)
    homework.keep_as_proposed()
    return thread_post(homework=homework, by=by, body=body, kind=Message.Kind.KEPT)


def change_accepted(*, homework: Homework, by: User) -> Message | None:
    """The coach rewrote the homework after a change request: the thread says so (the rewrite itself is
    `homework_update`, which sends it back to the client for "I'm in"). Called on `homework_proposed`."""
    last_event = (
        Message.objects.filter(homework=homework).exclude(kind=Message.Kind.MESSAGE).order_by("-created_at", "-pk")
    ).first()
    if last_event is None or last_event.kind != Message.Kind.CHANGE_REQUEST:
        return None
    return thread_post(homework=homework, by=by, body="", kind=Message.Kind.ACCEPTED)


def acknowledge(
    *, by: User, word: str = "", entry: ProgressEntry | None = None, reflection: Reflection | None = None
) -> Acknowledgement:
    """The coach marks a progress entry or a reflection as seen; again changes the word, never a second one."""
    if (entry is None) == (reflection is None):
        raise ValueError("Acknowledge one progress entry or one reflection.")
    engagement = entry.homework.engagement if entry is not None else reflection.session.engagement  # type: ignore[union-attr]
    if not engagement.is_coach(by):
        raise RuleBroken("Only the coach marks work as seen.", conflict=True)
    word = word.strip()
    if len(word) > WORD_MAX:
        raise RuleBroken(f"A word is at most {WORD_MAX} characters.", field="word")
    lookup = {"progress_entry": entry} if entry is not None else {"reflection": reflection}
    with transaction.atomic():
        ack, created = Acknowledgement.objects.get_or_create(
            **lookup, defaults={"engagement": engagement, "coach": by, "word": word}
        )
        if not created and ack.word != word:
            ack.word = word
            ack.save(update_fields=["word"])
    if created:
        transaction.on_commit(lambda: delivery.tell_about_acknowledgement(ack))
    return ack
