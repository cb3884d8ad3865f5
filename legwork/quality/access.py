"""The one gate for a check-in scale in the library: a coach's own and those shared in their practice; else 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from legwork.coaching.access import int_pk

from .models import CheckInScale

if TYPE_CHECKING:
    from legwork.accounts.models import User


def get_check_in_scale_for_user(user: User, pk: object) -> CheckInScale:
    scale = CheckInScale.objects.visible_to(user).select_related("engagement__coach").filter(pk=int_pk(pk)).first()
    if scale is None:
        raise Http404("No such check-in scale.")
    return scale
