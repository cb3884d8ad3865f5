"""Who the token belongs to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from legwork.coaching.serialise import SCHEMAS as COACHING
from legwork.coaching.serialise import person
from legwork.lib.shapes import BOOLEAN, STRING, extend, ref

from ..router import router

SCHEMAS = {"Me": extend(COACHING["Person"], {"timezone": STRING, "is_coach": BOOLEAN})}


@router.get("/me", summary="The person the token belongs to", response=ref("Me"))
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {**person(user), "timezone": user.timezone, "is_coach": user.is_coach}
