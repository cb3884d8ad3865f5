"""Receivers for the homework loop's signals (each sent after its transaction commits)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from legwork.homework.signals import (
    homework_change_requested,
    homework_confirmed,
    homework_proposed,
    session_scheduled,
)
from legwork.practice.signals import handover_proposed

from .planning import reminder_handover, reminder_homework_answered, reminder_homework_waiting
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
