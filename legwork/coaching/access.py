"""The one gate per object type: missing and not-yours both answer 404.

Every page and API endpoint fetches coaching objects through these functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Engagement, Invitation, Session

if TYPE_CHECKING:
    from legwork.accounts.models import User


def int_pk(pk: object) -> int:
    try:
        return int(str(pk))
    except (TypeError, ValueError):
        raise Http404 from None


def get_engagement_for_user(user: User, pk: object) -> Engagement:
    # get(), not first(): first() would add an ORDER BY for the ORM to compile to a one-row lookup.
    try:
        return Engagement.objects.visible_to(user).select_related("coach", "client").get(pk=int_pk(pk))
    except Engagement.DoesNotExist:
        raise Http404("No such engagement.") from None


def get_session_for_user(
    user: User, pk: object, *, with_previous_start: bool = False, related: Sequence[str] = ()
) -> Session:
    """The session, if the user is its coach or client (else 404). `with_previous_start`: for a page that
    shows the interval up to it, where that interval began comes in the same query; `related`: more
    one-to-one relations to load with it (`select_related`), such as the brief's reflection."""
    sessions = Session.objects.visible_to(user).select_related("engagement__coach", "engagement__client", *related)
    if with_previous_start:
        sessions = sessions.with_previous_start()
    try:
        # get(), not first(): one pk needs no ORDER BY (the coach-or-client join cannot repeat a row).
        return sessions.get(pk=int_pk(pk))
    except Session.DoesNotExist:
        raise Http404("No such session.") from None


def get_invitation_for_coach(user: User, pk: object) -> Invitation:
    invitation = Invitation.objects.filter(coach_id=user.pk, pk=int_pk(pk)).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def require_coach(engagement: Engagement, user: User) -> None:
    """A coach's action: the client of this engagement gets 403."""
    if not engagement.is_coach(user):
        raise PermissionDenied("Only the coach can do this.")


def require_client(engagement: Engagement, user: User) -> None:
    """A client's action: the coach of this engagement gets 403."""
    if not engagement.is_client(user):
        raise PermissionDenied("Only the client can do this.")


def require_is_coach(user: User) -> None:
    if not user.is_coach:
        raise PermissionDenied("This is for coaches.")
