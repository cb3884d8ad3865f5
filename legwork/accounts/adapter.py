from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.ratelimit import respond_429
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from legwork.lib.client_ip import client_ip, rate_limit_address


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth ships no types: its classes are Any
    """People who sign up on their own are coaches; clients join by invitation."""

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        user.is_coach = True
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails sign with the site's name and address, never the request's host
        ("Hello from 127.0.0.1:8101!"): templates/account/email/ read these."""
        site = {
            "site_name": settings.SITE_NAME,
            "site_root": settings.SITE_ROOT,
            "contact_email": settings.CONTACT_EMAIL,
        }
        super().send_mail(template_prefix, email, {**site, **context})

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def get_client_ip(self, request: HttpRequest) -> str:
        """The real client behind a trusted proxy: every per-address limit counts this."""
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed sign-ins per account; counting them per account and
        # address means a stranger's failures never lock the account's owner out.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{rate_limit_address(self.get_client_ip(request))}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Too many failures answer 429 with a page that says what to do, not the form again with 200."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            raise ImmediateHttpResponse(respond_429(request)) from None
