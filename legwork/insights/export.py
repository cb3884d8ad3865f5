"""What the insights app adds to an export (called from legwork/exports/contrib.py): the client's reflections.

A reflection is written by the engagement's client and read by its coach, so both exports hold it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import Reflection

if TYPE_CHECKING:
    from legwork.coaching.models import Engagement


def engagement_reflections(engagement: Engagement) -> dict[str, Any]:
    reflections = Reflection.objects.filter(session__engagement=engagement).select_related("session")
    return {
        "reflections": [
            {
                "session_id": reflection.session_id,
                "session_at": reflection.session.scheduled_at.isoformat(),
                "what_i_did": reflection.what_i_did,
                "what_i_learned": reflection.what_i_learned,
                "what_got_in_the_way": reflection.what_got_in_the_way,
                "what_i_want_next": reflection.what_i_want_next,
                "updated_at": reflection.updated_at.isoformat(),
            }
            for reflection in reflections.order_by("session__scheduled_at")
        ]
    }
