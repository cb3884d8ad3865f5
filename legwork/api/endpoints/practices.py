"""The practice, as its admin sees it: read-only counts (issue 16), never a client's content.

The same gates as the pages (`practice/access.py`): `/practice` for any coach (the counts for admins
alone), the coaches for the practice's admins (403 for a coach, 404 for another practice's coach).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from legwork.coaching.access import require_is_coach
from legwork.lib.shapes import array, obj, ref
from legwork.practice import serialise
from legwork.practice.access import admin_membership, get_member_for_admin
from legwork.practice.models import Membership
from legwork.practice.roster import follow_through, roster
from legwork.practice.services import practice_of

from ..http import signed_in
from ..router import router

SCHEMAS = {"PracticeCoachList": obj({"results": array(ref("PracticeCoach"))})}


@router.get(
    "/practice",
    summary="Your practice: its name, your role, its admins; for admins, its follow-through in aggregate",
    response=ref("Practice"),
    role="coach",
)
def practice_detail(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    require_is_coach(user)
    membership = practice_of(user)
    practice = membership.practice
    members = Membership.objects.filter(practice=practice).active()
    # The owner first, then the admins by name.
    admins = sorted(
        members.admins().select_related("user"), key=lambda m: (m.role != Membership.Role.OWNER, m.user.display_name)
    )
    return serialise.practice_summary(
        practice,
        membership=membership,
        admins=admins,
        coaches=members.count(),
        numbers=follow_through(practice) if membership.is_admin else None,
    )


@router.get(
    "/practice/coaches",
    summary="The practice's coaches with their caseload size and activity (admins)",
    response=ref("PracticeCoachList"),
    role="coach",
)
def practice_coaches(request: HttpRequest) -> dict[str, Any]:
    membership = admin_membership(signed_in(request))
    return {"results": [serialise.practice_coach(row) for row in roster(membership.practice)]}


@router.get(
    "/practice/coaches/{id}",
    summary="One coach of the practice, with their caseload size and activity (admins)",
    description="A coach of another practice, or anyone but the practice's admins: 404.",
    response=ref("PracticeCoach"),
)
def practice_coach(request: HttpRequest, id: str) -> dict[str, Any]:
    member = get_member_for_admin(signed_in(request), id)
    row = roster(member.practice).filter(pk=member.pk).first()
    if row is None:  # gone between the two queries
        raise Http404("No such coach.")
    return serialise.practice_coach(row)
