"""The practice's work: a practice of one for every coach, inviting and deactivating coaches, handovers."""

from __future__ import annotations

import logging
import smtplib
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from legwork.coaching.models import Engagement, Session, hash_token
from legwork.lib import emails
from legwork.lib.rules import RuleBroken

from .models import CoachInvitation, Handover, Membership, Practice
from .signals import engagement_handed_over, handover_proposed

if TYPE_CHECKING:
    from legwork.accounts.models import User

logger = logging.getLogger("legwork.practice")


def practice_of(coach: User) -> Membership:
    """The coach's membership, making them a practice of one (its owner) the first time it is asked for."""
    membership = Membership.objects.select_related("practice").filter(user=coach).first()
    if membership is not None:
        return membership
    with transaction.atomic():
        practice = Practice.objects.create(name=f"{coach.display_name}'s practice")
        try:
            with transaction.atomic():
                return Membership.objects.create(practice=practice, user=coach, role=Membership.Role.OWNER)
        except IntegrityError:
            # Two first requests at once: the other one made it; keep theirs.
            practice.delete()
    return Membership.objects.select_related("practice").get(user=coach)


# --- Coaches ------------------------------------------------------------------------------------


def coach_invite(
    *, practice: Practice, email: str, role: str, by: User, send_email: bool = True
) -> tuple[CoachInvitation, str]:
    """A single-use link for a coach to join the practice; returned with its token (shown once)."""
    if role not in (Membership.Role.ADMIN, Membership.Role.COACH):
        raise RuleBroken("Invite a coach or an admin.", field="role")
    email = email.strip().lower()
    if Membership.objects.filter(practice=practice, user__email=email).exists():
        raise RuleBroken(f"{email} is already a coach of this practice.", field="email")
    invitation = CoachInvitation(practice=practice, email=email, role=role, invited_by=by)
    token = invitation.set_token()
    invitation.save()
    if send_email:
        coach_invitation_send(invitation=invitation, token=token)
    return invitation, token


def coach_invitation_url(token: str) -> str:
    return settings.SITE_ROOT + reverse("practice_join", args=[token])


def coach_invitation_send(*, invitation: CoachInvitation, token: str) -> bool:
    """Email the link. False if the mail server refused or was away: the link still works, to copy."""
    try:
        emails.send(
            "coach-invitation",
            invitation.email,
            {"practice": invitation.practice, "invitation": invitation, "url": coach_invitation_url(token)},
        )
    except (smtplib.SMTPException, OSError, ValueError):
        logger.exception("Could not email the coach invitation %s", invitation.pk)
        return False
    return True


def coach_invitation_for_token(token: str) -> CoachInvitation | None:
    return CoachInvitation.objects.select_related("practice").filter(token_hash=hash_token(token)).first()


@transaction.atomic
def coach_join(*, invitation: CoachInvitation, user: User) -> Membership:
    """The invited person joins the practice as a coach (or admin).

    A coach who is a practice of one moves over (their empty practice is removed); a coach of a
    practice with others must be let go by it first, so no practice loses a coach without its admin.
    """
    invitation = CoachInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != "pending":
        raise RuleBroken(f"This invitation is {invitation.state}.", conflict=True)
    if invitation.email != user.email.lower():
        raise RuleBroken(f"This invitation is for {invitation.email}: sign in with that address.", conflict=True)
    current = Membership.objects.select_related("practice").filter(user=user).first()
    if current is not None and current.practice_id != invitation.practice_id:
        if Membership.objects.filter(practice_id=current.practice_id).exclude(pk=current.pk).exists():
            raise RuleBroken(
                f"You are a coach of {current.practice}: ask its admin to deactivate you there first.", conflict=True
            )
        old = current.practice
        current.delete()
        old.delete()
        current = None
    if current is None:
        current = Membership.objects.create(practice=invitation.practice, user=user, role=invitation.role)
    else:
        current.role = invitation.role if current.role != Membership.Role.OWNER else current.role
        current.deactivated_at = None
        current.save(update_fields=["role", "deactivated_at"])
    if not user.is_coach:
        user.is_coach = True
        user.save(update_fields=["is_coach"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return current


def coach_invitation_revoke(*, invitation: CoachInvitation) -> None:
    if invitation.state == "pending":
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User) -> None:
    """The coach can no longer sign in. Their current clients must be handed over (or their engagements ended) first."""
    if membership.role == Membership.Role.OWNER:
        raise RuleBroken("The practice's owner cannot be deactivated.", conflict=True)
    if membership.user_id == by.pk:
        raise RuleBroken("You cannot deactivate yourself.", conflict=True)
    waiting = Engagement.objects.current().filter(coach_id=membership.user_id).count()
    if waiting:
        raise RuleBroken(
            f"{membership.user} still coaches {waiting} client{'s' if waiting != 1 else ''}: hand them over first.",
            conflict=True,
        )
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["deactivated_at"])
    # Signing in checks is_active, and so does every request of a session already open.
    membership.user.is_active = False
    membership.user.save(update_fields=["is_active"])


@transaction.atomic
def membership_reactivate(*, membership: Membership) -> None:
    membership.deactivated_at = None
    membership.save(update_fields=["deactivated_at"])
    membership.user.is_active = True
    membership.user.save(update_fields=["is_active"])


# --- Handover -----------------------------------------------------------------------------------


def handover_propose(*, engagement: Engagement, to_coach: User, by: User, note: str = "") -> Handover:
    """Propose moving the engagement to another active coach of the same practice; the client is told and decides."""
    practice_id = practice_of(engagement.coach).practice_id
    target = Membership.objects.filter(user=to_coach, practice_id=practice_id).first()
    if target is None or not target.is_active:
        raise RuleBroken("Choose an active coach of this practice.", field="to_coach")
    if to_coach.pk == engagement.coach_id:
        raise RuleBroken("The client is already with this coach.", field="to_coach")
    if engagement.status == Engagement.Status.ENDED:
        raise RuleBroken("This engagement has ended.", conflict=True)
    if Engagement.objects.current().filter(coach=to_coach, client_id=engagement.client_id).exists():
        raise RuleBroken(f"{to_coach} already coaches this client.", field="to_coach")
    try:
        with transaction.atomic():
            handover = Handover.objects.create(
                engagement=engagement, from_coach_id=engagement.coach_id, to_coach=to_coach, proposed_by=by, note=note
            )
            transaction.on_commit(lambda: handover_proposed.send(sender=Handover, handover=handover, by=by))
    except IntegrityError:
        raise RuleBroken("A handover of this client is already waiting for their answer.", conflict=True) from None
    return handover


@transaction.atomic
def handover_answer(*, handover: Handover, accept: bool, by: User) -> Handover:
    """The client's yes or no. Yes moves the engagement with its homework, outcomes and sessions;
    what the client shared with the old coach (journal entries) and the old coach's private notes stay
    behind: the new coach sees an entry only when the client shares it again."""
    handover = Handover.objects.select_for_update().select_related("engagement").get(pk=handover.pk)
    if handover.engagement.client_id != by.pk:
        raise RuleBroken("Only the client answers a handover.", conflict=True)
    if handover.status != Handover.Status.PENDING:
        raise RuleBroken(f"This handover is already {handover.get_status_display().lower()}.", conflict=True)
    handover.answered_at = timezone.now()
    if not accept:
        handover.status = Handover.Status.DECLINED
        handover.save(update_fields=["status", "answered_at"])
        return handover
    engagement = Engagement.objects.select_for_update().get(pk=handover.engagement_id)
    if engagement.coach_id != handover.from_coach_id or engagement.status == Engagement.Status.ENDED:
        raise RuleBroken("This engagement changed since the handover was proposed.", conflict=True)
    if Engagement.objects.current().filter(coach_id=handover.to_coach_id, client_id=engagement.client_id).exists():
        raise RuleBroken("You already have an engagement with this coach.", conflict=True)
    engagement.coach_id = handover.to_coach_id
    engagement.save(update_fields=["coach"])
    # Private notes are the old coach's alone (DESIGN.md): they do not pass to the new one.
    Session.objects.filter(engagement=engagement).exclude(private_notes="").update(private_notes="")
    engagement_handed_over.send(
        sender=Engagement, engagement=engagement, from_coach_id=handover.from_coach_id, to_coach_id=handover.to_coach_id
    )
    handover.status = Handover.Status.ACCEPTED
    handover.save(update_fields=["status", "answered_at"])
    return handover


def handover_withdraw(*, handover: Handover) -> None:
    updated = Handover.objects.filter(pk=handover.pk, status=Handover.Status.PENDING).update(
        status=Handover.Status.WITHDRAWN, answered_at=timezone.now()
    )
    if not updated:
        raise RuleBroken("This handover was already answered.", conflict=True)
