"""Coaching work that spans several models: invitations, engagements, sessions."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from allauth.account.models import EmailAddress
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from legwork.accounts.models import User
from legwork.lib import emails
from legwork.lib.dates import plan_problem
from legwork.lib.rules import RuleBroken

from .models import Engagement, Invitation, Session, hash_token
from .signals import session_scheduled

logger = logging.getLogger(__name__)


class InvitationError(Exception):
    """The invitation link cannot be used; the message says why, for the person holding it."""


def invitation_url(token: str) -> str:
    """The link the coach sees and may copy: it shows the invitation, and proves nothing about who opens it."""
    from django.conf import settings

    return settings.SITE_ROOT + reverse("join", args=[token])


def _setup_signature(invitation: Invitation) -> str:
    # Bound to the address and to the current token: a new link voids the old set-up link too.
    return signing.Signer(salt=f"legwork.coaching.join:{invitation.token_hash}").signature(invitation.email)


def invitation_setup_url(invitation: Invitation, token: str) -> str:
    """The link that goes only to the invited address, so opening it shows the address is the opener's.

    The coach never sees it: they see `invitation_url`, which leads to a page that
    emails this link to the invited address.
    """
    from django.conf import settings

    return settings.SITE_ROOT + reverse("join_setup", args=[token, _setup_signature(invitation)])


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
            {"coach": invitation.coach, "invitation": invitation, "url": invitation_setup_url(invitation, token)},
            to_name=invitation.name,
        )
    except (smtplib.SMTPException, OSError, ValueError):
        # ValueError: an address or header the email library refuses (the rest is built by it, never by hand).
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


def invitation_for_setup(token: str, signature: str) -> Invitation:
    """The invitation behind a set-up link, which only its address received."""
    invitation = invitation_for_token(token)
    if not constant_time_compare(signature, _setup_signature(invitation)):
        raise InvitationError("This link is not valid. Open the newest email from your coach, or ask for a new link.")
    return invitation


def invitation_is_for(invitation: Invitation, person: User) -> bool:
    """Whether the invitation was made for one of this person's verified addresses."""
    found: bool = EmailAddress.objects.filter(user=person, email__iexact=invitation.email, verified=True).exists()
    return found


def invitation_accept(*, token: str, client: User) -> Engagement:
    """Use the link once: start the engagement between the coach and this client.

    Only the person the invitation was made for may accept it: a link that
    reaches someone else (forwarded, or pasted in the wrong chat) starts nothing.
    """
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if invitation.coach_id != client.pk and not invitation_is_for(invitation, client):
            raise InvitationError(f"This invitation is for {invitation.email}, and you're signed in as {client.email}.")
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


def invitation_address_taken(invitation: Invitation) -> bool:
    """Whether the invited address already belongs to an account. Tell only someone who proved it is theirs."""
    return (
        User.objects.filter(email__iexact=invitation.email).exists()
        or EmailAddress.objects.filter(email__iexact=invitation.email, verified=True).exists()
    )


def invitation_join(*, token: str, signature: str, name: str, timezone_name: str, password: str) -> Engagement:
    """A new client's account from a set-up link: the address is proven, so it is verified; then accept.

    Raises InvitationError when the link is spent or void, or the address has
    an account by now (the person should sign in and accept instead).
    """
    with transaction.atomic():
        invitation = invitation_for_setup(token, signature)
        if invitation_address_taken(invitation):
            raise InvitationError("You already have an account. Sign in to accept the invitation.")
        user = User.objects.create_user(invitation.email, password, name=name, timezone=timezone_name)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return invitation_accept(token=token, client=user)


def session_schedule(
    *, engagement: Engagement, scheduled_at: dt.datetime, by: User, duration_minutes: int = 60, meeting_url: str = ""
) -> Session:
    """A new session, within the plan window (a year back to five years ahead: docs/loop.md)."""
    if problem := plan_problem(scheduled_at):
        raise RuleBroken(problem, field="scheduled_at")
    session = Session.objects.create(
        engagement=engagement, scheduled_at=scheduled_at, duration_minutes=duration_minutes, meeting_url=meeting_url
    )
    transaction.on_commit(lambda: session_scheduled.send(sender=Session, session=session, by=by))
    return session
