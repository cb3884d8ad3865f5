"""Signals the insights app sends, so higher apps (webhooks) can react; each is sent after its transaction commits."""

from django.dispatch import Signal

# sender=Reflection, reflection=..., by=user: the client saved their reflection (first time or an edit).
reflection_written = Signal()
