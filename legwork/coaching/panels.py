"""The relationship's first steps on a new coach's home (`legwork.lib.first_steps`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists

from legwork.lib.first_steps import Done, first_step

from .models import Engagement, Invitation, Session


def has_client(user: Any) -> Done:
    return Exists(Engagement.objects.filter(coach=user.pk))


@first_step("invite", "Invite your first client", "invitations", order=10)
def invited(user: Any) -> Done:
    return Exists(Invitation.objects.filter(coach=user.pk)) | has_client(user)


# A session is scheduled from a client's page: until there is a client, the step says so and points
# to the invitation.
@first_step(
    "schedule",
    "Schedule a session (from a client's page)",
    "coach_home",
    order=20,
    anchor="clients-h",
    ready=has_client,
    waiting_text="Schedule a session, once your first client has joined (invite them first)",
    waiting_url_name="invitations",
)
def scheduled(user: Any) -> Done:
    return Exists(Session.objects.filter(engagement__coach=user.pk))
