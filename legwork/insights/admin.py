from __future__ import annotations

from django.contrib import admin

from legwork.lib.admin import NoContentAdmin

from .models import InsightSettings

# Reflections are the client's own words: they have no admin.


@admin.register(InsightSettings)
class InsightSettingsAdmin(NoContentAdmin):
    list_display = ["engagement", "charts_on", "updated_at"]
    raw_id_fields = ["engagement"]
