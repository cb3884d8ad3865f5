"""Coaching work that spans several models: invitations, engagements, sessions."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from legwork.lib import emails

from .models import Engagement, Invitation, Session, hash_token
from .signals import session_scheduled

if TYPE_CHECKING:
    from legwork.accounts.models import User


logger = logging.getLogger(__name__)


class InvitationError(Exception):
    """The invitation link cannot be used; the message says why, for the person holding it."""


def invitation_url(token: str) -> str:
    from django.conf import settings

    return settings.SITE_ROOT + reverse("join", args=[token])


def invitation_create(*, coach: User, email: str, name: str = "", send_email: bool = True) -> tuple[Invitation, str]:
    """Make a single-use link for a client; return it with its token (shown once)."""
    token = Invitation.new_token()
    invitation = Invitation(coach=coach, email=email.lower(), name=name)
    invitation.set_token(token)
    invitation.save()
    if send_email:
        invitation_send(invitation=invitation, token=token)
    return invitation, token


def invitation_send(*, invitation: Invitation, token: str) -> bool:
    """Email the link. False if the mail server refused or was away: the link still works, to copy."""
    try:
        emails.send(
            "invitation",
            invitation.email,
            {"coach": invitation.coach, "invitation": invitation, "url": invitation_url(token)},
        )
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not email the invitation %s", invitation.pk)
        return False
    return True


def invitation_renew(*, invitation: Invitation) -> str:
    """A fresh link for the same person, valid for a new lifetime; the old link stops working at once.

    Renewing a revoked or expired invitation brings it back to life with the new link.
    """
    token = Invitation.new_token()
    invitation.set_token(token)
    invitation.revoked_at = None
    invitation.save(update_fields=["token_hash", "expires_at", "revoked_at"])
    return token


def invitation_for_token(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("coach").filter(token_hash=hash_token(token)).first()
    if invitation is None or invitation.revoked_at:
        raise InvitationError("This invitation link is not valid. Ask your coach for a new one.")
    if invitation.accepted_at:
        raise InvitationError("This invitation has already been used. Sign in to reach your coaching.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError("This invitation has expired. Ask your coach for a new link.")
    return invitation


def invitation_accept(*, token: str, client: User) -> Engagement:
    """Use the link once: start the engagement between the coach and this client."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        # Claim the invitation first so two tabs racing on one link make one engagement.
        claimed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now()
        )
        if not claimed:
            raise InvitationError("This invitation has already been used. Sign in to reach your coaching.")
        if invitation.coach_id == client.pk:
            raise InvitationError("This is your own invitation: send it to your client.")
        engagement = Engagement.objects.filter(coach_id=invitation.coach_id, client=client).current().first()
        if engagement is None:
            engagement = Engagement.objects.create(coach_id=invitation.coach_id, client=client)
        elif engagement.status == Engagement.Status.PAUSED:
            engagement.set_status(Engagement.Status.ACTIVE)
        Invitation.objects.filter(pk=invitation.pk).update(engagement=engagement)
    return engagement


def session_schedule(
    *, engagement: Engagement, scheduled_at: dt.datetime, by: User, duration_minutes: int = 60, meeting_url: str = ""
) -> Session:
    session = Session.objects.create(
        engagement=engagement, scheduled_at=scheduled_at, duration_minutes=duration_minutes, meeting_url=meeting_url
    )
    transaction.on_commit(lambda: session_scheduled.send(sender=Session, session=session, by=by))
    return session
