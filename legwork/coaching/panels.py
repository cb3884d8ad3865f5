"""The relationship's first steps on a new coach's home (`legwork.lib.first_steps`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists

from legwork.lib.first_steps import Done, first_step

from .models import Engagement, Invitation, Session


@first_step("invite", "Invite your first client", "invitations", order=10)
def invited(user: Any) -> Done:
    return Exists(Invitation.objects.filter(coach=user.pk)) | Exists(Engagement.objects.filter(coach=user.pk))


@first_step("schedule", "Schedule a session (from a client's page)", "coach_home", order=20, anchor="clients-h")
def scheduled(user: Any) -> Done:
    return Exists(Session.objects.filter(engagement__coach=user.pk))
