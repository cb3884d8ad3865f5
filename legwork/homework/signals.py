"""Signals the homework loop sends, so other apps (reminders, insights) can react
without the loop knowing about them. Each is sent after the transaction commits."""

from django.dispatch import Signal

# sender=Homework, homework=..., by=user
homework_proposed = Signal()
homework_confirmed = Signal()
homework_change_requested = Signal()
# sender=ProgressEntry, entry=..., by=user
progress_logged = Signal()
# sender=Session, session=..., by=user
session_scheduled = Signal()
