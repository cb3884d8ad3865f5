from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_builtins(sender: AppConfig, **kwargs: Any) -> None:
    from django.db import connections

    from .models import Exercise
    from .services import exercise_sync_builtins

    connection = connections[kwargs.get("using", "default")]
    # Migrating backwards can leave the table gone; then there is nothing to sync into.
    if Exercise._meta.db_table in connection.introspection.table_names():
        exercise_sync_builtins()


class ExercisesConfig(AppConfig):
    name = "legwork.exercises"
    label = "exercises"

    def ready(self) -> None:
        # Built-ins follow the files in library/: every `migrate` (and every test database flush,
        # which sends post_migrate too) brings the rows in line, with no data migration per edit.
        post_migrate.connect(_sync_builtins, sender=self)
