"""Engagements and invitations in the admin: who works with whom, and since when. Never their sessions or goals."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from legwork.lib.admin import NoContentAdmin

from .models import Engagement, Invitation


@admin.register(Engagement)
class EngagementAdmin(NoContentAdmin):
    list_display = ["pk", "coach", "client", "status", "started_on", "ended_on"]
    list_filter = ["status"]
    list_select_related = ["coach", "client"]
    search_fields = ["coach__email", "client__email"]
    raw_id_fields = ["coach", "client"]
    fields = ["coach", "client", "status", "started_on", "ended_on", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Invitation)
class InvitationAdmin(NoContentAdmin):
    """Read-only: a link is made by its coach, since only they may see it."""

    list_display = ["email", "coach", "state", "created_at", "expires_at"]
    list_select_related = ["coach"]
    search_fields = ["email", "coach__email"]
    fields = ["email", "name", "coach", "created_at", "expires_at", "accepted_at", "revoked_at", "engagement"]
    readonly_fields = ["email", "name", "coach", "created_at", "expires_at", "accepted_at", "revoked_at", "engagement"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
