"""The one gate for homework and progress entries: 404 to anyone who may not see them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from legwork.coaching.access import int_pk

from .models import Homework

if TYPE_CHECKING:
    from legwork.accounts.models import User


def get_homework_for_user(user: User, pk: object) -> Homework:
    # get(), not first(): one row by its key needs no ordering, and ordering a query of several joins by the
    # model's default took the ORM longer than the query itself. The homework it was carried from is not
    # joined: every caller reads only its id (`carry_over_chain` walks the ids), and building the join of a
    # second whole homework was a sixth of the gate's cost.
    try:
        return (
            Homework.objects.visible_to(user)
            .select_related("engagement__coach", "engagement__client", "goal", "agreed_in")
            .get(pk=int_pk(pk))
        )
    except Homework.DoesNotExist:
        raise Http404("No such homework.") from None
