"""The homework loop's signals, heard by the conversation (each sent after its transaction commits)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from legwork.homework.signals import homework_change_requested, homework_proposed

from .models import Message
from .services import change_accepted, thread_post


@receiver(homework_change_requested)
def on_change_requested(sender: Any, homework: Any, by: Any, **kwargs: Any) -> None:
    """A change request opens the thread (or joins it): the client's words are its message."""
    thread_post(homework=homework, by=by, body=homework.change_note, kind=Message.Kind.CHANGE_REQUEST)


@receiver(homework_proposed)
def on_homework_proposed(sender: Any, homework: Any, by: Any, **kwargs: Any) -> None:
    """The coach rewrote a homework whose change was asked for: the change was accepted."""
    if homework.engagement.is_coach(by):
        change_accepted(homework=homework, by=by)
