from __future__ import annotations

from django.contrib import admin

from .models import InsightSettings, Reflection


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["session", "created_at", "updated_at"]
    list_select_related = ["session__engagement__client"]
    raw_id_fields = ["session"]


@admin.register(InsightSettings)
class InsightSettingsAdmin(admin.ModelAdmin):
    list_display = ["engagement", "charts_on", "updated_at"]
    raw_id_fields = ["engagement"]
