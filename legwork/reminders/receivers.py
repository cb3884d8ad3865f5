"""Receivers for the homework loop's signals (each sent after its transaction commits), and signing out."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from legwork.accounts.signals import device_signed_out
from legwork.homework.signals import (
    homework_change_requested,
    homework_confirmed,
    homework_proposed,
    session_scheduled,
)
from legwork.practice.signals import handover_proposed

from .planning import reminder_handover, reminder_homework_answered, reminder_homework_waiting
from .push import push_revoke_for_session
from .tasks import plan_session_reminders


@receiver(homework_proposed)
def on_homework_proposed(sender: Any, homework: Any, by: Any, **kwargs: Any) -> None:
    reminder_homework_waiting(homework=homework)


@receiver(homework_confirmed)
@receiver(homework_change_requested)
def on_homework_answered(sender: Any, homework: Any, by: Any, **kwargs: Any) -> None:
    reminder_homework_answered(homework=homework, by=by)


@receiver(session_scheduled)
def on_session_scheduled(sender: Any, session: Any, by: Any = None, **kwargs: Any) -> None:
    plan_session_reminders.enqueue(session.pk)


@receiver(handover_proposed)
def on_handover_proposed(sender: Any, handover: Any, by: Any, **kwargs: Any) -> None:
    reminder_handover(handover=handover)


@receiver(user_logged_out)
def on_signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Sent before the session is flushed, so its key still names the sign-in push was turned on in.
    session = getattr(request, "session", None)
    push_revoke_for_session(session_key=getattr(session, "session_key", None) or "")


@receiver(device_signed_out)
def on_device_signed_out(sender: Any, user: Any, session_key: str, **kwargs: Any) -> None:
    # "Sign out that device" on the devices page: that phone stops being told, as if it had signed out.
    push_revoke_for_session(session_key=session_key)
