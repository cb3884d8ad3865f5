"""Practices in the admin: their names and single sign-on (docs/practice.md, "Single sign-on"). Never a client's words.

An identity provider is an allauth SocialApp ("Social applications", below it); a practice names it here.
"""

from __future__ import annotations

from django.contrib import admin

from legwork.lib.admin import NoContentAdmin

from .models import Practice


@admin.register(Practice)
class PracticeAdmin(NoContentAdmin):
    list_display = ["name", "sso_provider", "sso_domains", "password_sign_in", "created_at"]
    list_filter = ["password_sign_in"]
    search_fields = ["name"]
    fields = ["name", "sso_provider", "sso_domains", "password_sign_in", "created_at"]
    readonly_fields = ["created_at"]
