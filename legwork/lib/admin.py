"""What every Legwork admin shares: staff manage people and engagements, never read client content."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest


class NoContentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Deleting shows how many of each thing go, not their titles: a homework's title is the client's words."""

    def get_deleted_objects(
        self, objs: Sequence[Any] | QuerySet[Any, Any], request: HttpRequest
    ) -> tuple[list[str], dict[str, int], set[str], list[str]]:
        _, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        summary = [f"{name}: {count}" for name, count in model_count.items()]
        return summary, model_count, perms_needed, [f"{len(protected)} protected objects"] if protected else []
