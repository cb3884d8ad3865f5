"""Signals coaching sends, so other apps (reminders) can react without coaching knowing about them.

Each is sent after the transaction commits.
"""

from django.dispatch import Signal

# sender=Session, session=..., by=user
session_scheduled = Signal()
