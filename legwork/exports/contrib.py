"""What the other apps add to an export (notebook, thinking time, exercises, reflections)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Engagement


def client_extras(client: User) -> dict[str, Any]:
    return {}


def coach_extras(coach: User) -> dict[str, Any]:
    return {}


def engagement_extras(engagement: Engagement, *, for_coach: bool) -> dict[str, Any]:
    return {}
