from __future__ import annotations

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Webhooks: a coach's (or a practice's) URLs told of homework agreed, progress, reflections and reviews."""

    name = "legwork.webhooks"
    label = "webhooks"

    def ready(self) -> None:
        # The loop's and the reflection's signals each become one delivery row per webhook that wants them.
        from . import receivers  # noqa: F401
