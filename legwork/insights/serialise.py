"""The JSON shape of a reflection, for the API and the exports.

A reflection is written by the engagement's client and read by its coach, so both
exports hold it (the export part at the end is called from legwork/exports/contrib.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from legwork.lib.shapes import BOOLEAN, DATETIME, INTEGER, STRING, iso, obj

from .models import Reflection, reflection_is_editable

if TYPE_CHECKING:
    from legwork.coaching.models import Engagement

ANSWERS = ("what_i_did", "what_i_learned", "what_got_in_the_way", "what_i_want_next")


def reflection(item: Reflection) -> dict[str, Any]:
    return {
        "session": item.session_id,
        "session_at": iso(item.session.scheduled_at),
        **{name: getattr(item, name) for name in ANSWERS},
        "editable": reflection_is_editable(item.session),
        "created_at": iso(item.created_at),
        "updated_at": iso(item.updated_at),
    }


def engagement_reflections(engagement: Engagement) -> dict[str, Any]:
    items = Reflection.objects.filter(session__engagement=engagement).select_related("session")
    return {"reflections": [reflection(item) for item in items.order_by("session__scheduled_at")]}


SCHEMAS = {
    "Reflection": obj(
        {
            "session": INTEGER,
            "session_at": DATETIME,
            **dict.fromkeys(ANSWERS, STRING),
            "editable": {**BOOLEAN, "description": "Until the session starts (never for a cancelled one)"},
            "created_at": DATETIME,
            "updated_at": DATETIME,
        }
    ),
}
