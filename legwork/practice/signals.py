"""Signals the practice sends, so apps above it can react without it knowing them.

- `handover_proposed` (sender=Handover, handover=..., by=user), after the transaction commits:
  the reminders app tells the client (inbox and email, through the outbox).
- `engagement_handed_over` (sender=Engagement, engagement=..., from_coach=..., to_coach=...), sent
  *inside* the transaction that moves the engagement, so a receiver's change (the notebook takes back
  the journal entries shared with the old coach) commits with the move or not at all: there is never
  a moment when the new coach could read them.
"""

from django.dispatch import Signal

handover_proposed = Signal()
engagement_handed_over = Signal()
