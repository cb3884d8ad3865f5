"""People in the admin: who they are and what they may do. No one's coaching content is shown to staff."""

from __future__ import annotations

import allauth.mfa.admin  # registers allauth's Authenticator admin first, so it can be replaced here
import allauth.usersessions.admin  # registers allauth's UserSession admin first, so it can be removed here
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from legwork.lib.admin import NoContentAdmin

from .models import User

assert allauth.mfa.admin
assert allauth.usersessions.admin

# Sign-ins (address, browser) are each person's own to see and end, on their devices page; staff
# need not read them (and allauth's admin searches a username Legwork's users do not have).
admin.site.unregister(UserSession)


@admin.register(User)
class UserAdmin(NoContentAdmin, BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "name", "is_coach", "timezone", "is_staff"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "name", "timezone", "is_coach"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(NoContentAdmin):
    """Staff can remove a lost phone's two-factor for someone; they never see its secret or recovery codes."""

    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    fields = ["user", "type", "created_at", "last_used_at"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
