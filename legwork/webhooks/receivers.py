"""The loop's and the reflection's signals, each turned into deliveries (sent after the transaction committed).

A failure to queue is logged and goes no further: the client's "I'm in" or progress is saved
already, and must not answer an error because a webhook could not be queued.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

from django.dispatch import receiver

from legwork.homework.signals import homework_confirmed, homework_reviewed, progress_logged
from legwork.insights.signals import reflection_written

from . import payloads
from .models import Event
from .services import event_record

logger = logging.getLogger("legwork.webhooks")


def _logged(handler: Callable[..., None]) -> Callable[..., None]:
    @wraps(handler)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            handler(*args, **kwargs)
        except Exception:
            logger.exception("Could not queue webhook deliveries (%s)", handler.__name__)

    return run


@receiver(homework_confirmed, dispatch_uid="webhooks-homework-agreed")
@_logged
def on_homework_agreed(sender: Any, homework: Any, by: Any, **kwargs: Any) -> None:
    event_record(
        event=Event.HOMEWORK_AGREED,
        engagement=homework.engagement,
        key=str(homework.pk),
        data=partial(payloads.homework_agreed, homework),
    )


@receiver(progress_logged, dispatch_uid="webhooks-progress-logged")
@_logged
def on_progress_logged(sender: Any, entry: Any, by: Any, **kwargs: Any) -> None:
    event_record(
        event=Event.PROGRESS_LOGGED,
        engagement=entry.homework.engagement,
        key=str(entry.pk),
        data=partial(payloads.progress_logged, entry),
    )


@receiver(reflection_written, dispatch_uid="webhooks-reflection-written")
@_logged
def on_reflection_written(sender: Any, reflection: Any, by: Any, **kwargs: Any) -> None:
    # Each save is an occurrence (a reflection is edited until its session starts); the same save heard twice is one.
    event_record(
        event=Event.REFLECTION_WRITTEN,
        engagement=reflection.session.engagement,
        key=f"{reflection.pk}:{reflection.updated_at.timestamp():.6f}",
        data=partial(payloads.reflection_written, reflection),
    )


@receiver(homework_reviewed, dispatch_uid="webhooks-homework-reviewed")
@_logged
def on_homework_reviewed(sender: Any, homework: Any, session: Any = None, by: Any = None, **kwargs: Any) -> None:
    event_record(
        event=Event.HOMEWORK_REVIEWED,
        engagement=homework.engagement,
        key=str(homework.pk),
        data=partial(payloads.homework_reviewed, homework, session),
    )
