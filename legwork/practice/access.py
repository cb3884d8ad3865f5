"""The practice's gates: an admin reaches their own practice's coaches and engagements, nothing more;
a client reaches the handovers of their own engagements. Missing and not-yours both answer 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from legwork.coaching.access import int_pk
from legwork.coaching.models import Engagement

from .models import CoachInvitation, Handover, Membership
from .services import practice_of

if TYPE_CHECKING:
    from legwork.accounts.models import User


def admin_membership(user: User) -> Membership:
    """The signed-in admin's membership; a coach who is not an admin gets 403, a client too."""
    if not user.is_coach:
        raise PermissionDenied("This is for coaches.")
    membership = practice_of(user)
    if not membership.is_admin:
        raise PermissionDenied("Only the practice's admins can do this.")
    return membership


NO_PRACTICE = 0  # no practice has this id: a gate filtering by it finds nothing


def _admin_practice_id(user: User) -> int:
    """The practice this person administers, or NO_PRACTICE: the id-taking gates answer 404 to anyone else."""
    if not user.is_authenticated or not user.is_coach:
        return NO_PRACTICE
    membership = Membership.objects.filter(user=user).first()
    return membership.practice_id if membership is not None and membership.is_admin else NO_PRACTICE


def get_member_for_admin(user: User, pk: object) -> Membership:
    membership = (
        Membership.objects.select_related("user", "practice")
        .filter(pk=int_pk(pk), practice_id=_admin_practice_id(user))
        .first()
    )
    if membership is None:
        raise Http404("No such coach.")
    return membership


def get_coach_invitation_for_admin(user: User, pk: object) -> CoachInvitation:
    invitation = CoachInvitation.objects.filter(pk=int_pk(pk), practice_id=_admin_practice_id(user)).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def get_engagement_for_admin(user: User, pk: object) -> Engagement:
    """An engagement of one of the admin's coaches: for a handover only. The admin sees who and since when,
    never what is in it (the engagement's own pages still answer 404 to them)."""
    engagement = (
        Engagement.objects.select_related("coach", "client")
        .filter(pk=int_pk(pk), coach__membership__practice_id=_admin_practice_id(user))
        .first()
    )
    if engagement is None:
        raise Http404("No such engagement.")
    return engagement


def get_handover_for_client(user: User, pk: object) -> Handover:
    handover = (
        Handover.objects.select_related("engagement", "from_coach", "to_coach")
        .filter(pk=int_pk(pk), engagement__client_id=user.pk if user.is_authenticated else None)
        .first()
    )
    if handover is None:
        raise Http404("No such handover.")
    return handover


def get_handover_for_admin(user: User, pk: object) -> Handover:
    handover = (
        Handover.objects.select_related("engagement")
        .filter(pk=int_pk(pk), engagement__coach__membership__practice_id=_admin_practice_id(user))
        .first()
    )
    if handover is None:
        raise Http404("No such handover.")
    return handover
