"""Writing a reflection: the one place that checks who may write it and until when."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from legwork.coaching.access import require_client

from .models import Reflection, reflection_is_editable
from .signals import reflection_written

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.coaching.models import Session


class ReflectionClosed(PermissionDenied):
    """The session has started (or was cancelled): the reflection is read-only now."""


@transaction.atomic
def reflection_save(*, session: Session, by: User, data: dict[str, Any]) -> Reflection:
    """Create or update the reflection for a session; only the engagement's client, only before it starts."""
    require_client(session.engagement, by)
    if not reflection_is_editable(session):
        raise ReflectionClosed("The session has started: the reflection is read-only now.")
    now = timezone.now()
    reflection, created = Reflection.objects.select_for_update().get_or_create(
        session=session, defaults={**data, "created_at": now, "updated_at": now}
    )
    if not created:
        for name, value in data.items():
            setattr(reflection, name, value)
        reflection.updated_at = now
        reflection.save(update_fields=[*data, "updated_at"])
    transaction.on_commit(lambda: reflection_written.send(sender=Reflection, reflection=reflection, by=by))
    return reflection
