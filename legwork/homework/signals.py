"""Signals the homework loop sends, so other apps (reminders, insights) can react
without the loop knowing about them. Each is sent after the transaction commits."""

from django.dispatch import Signal

from legwork.coaching.signals import session_scheduled

# sender=Homework, homework=..., by=user
homework_proposed = Signal()
homework_confirmed = Signal()
homework_change_requested = Signal()
# sender=ProgressEntry, entry=..., by=user
progress_logged = Signal()
# sender=Homework, homework=..., session=... (or None), by=user: its outcome was recorded at a review.
homework_reviewed = Signal()

# Declared beside its sender in coaching/signals.py; named here too until every receiver imports it from there.
__all__ = [
    "homework_change_requested",
    "homework_confirmed",
    "homework_proposed",
    "homework_reviewed",
    "progress_logged",
    "session_scheduled",
]
