"""One template trio per email (subject, text, HTML), and one function to send it.

Emails carry titles and links only: never journal or note bodies.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_email(
    template: str, to: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> EmailMultiAlternatives:
    context = {"site_root": settings.SITE_ROOT, "site_name": settings.SITE_NAME, **context}
    subject = render_to_string(f"emails/{template}-subject.txt", context).strip().replace("\n", " ")
    text = render_to_string(f"emails/{template}-body.txt", context)
    html = render_to_string(f"emails/{template}-body.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def send(template: str, to: str, context: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    build_email(template, to, context, headers).send()
