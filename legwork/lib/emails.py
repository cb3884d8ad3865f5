"""One template trio per email (subject, text, HTML), and one function to send it.

Emails carry titles and links only: never journal or note bodies.

Headers come only from the email library, never from text pasted together: the
subject is rendered without HTML escaping (it is not HTML) and made one clean
line (lib/text.py), and a recipient's name goes into the To header as an
`email.headerregistry.Address`, which quotes and encodes it. A CR or LF in a
name or a homework title can therefore neither break the send nor add a header.
The plain-text body is rendered without HTML escaping too, so "Q&A" stays "Q&A".
"""

from __future__ import annotations

from email.headerregistry import Address
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, engines
from django.template.loader import render_to_string

from .text import one_line


def _render_plain(name: str, context: dict[str, Any]) -> str:
    template = engines["django"].get_template(name)
    return template.template.render(Context(context, autoescape=False))  # type: ignore[attr-defined, no-any-return]


def recipient(address: str, name: str = "") -> Address:
    """The To address, with the person's name on one line; the email library quotes and encodes it."""
    return Address(display_name=one_line(name), addr_spec=address)


def build_email(
    template: str,
    to: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
    *,
    to_name: str = "",
) -> EmailMultiAlternatives:
    context = {"site_root": settings.SITE_ROOT, "site_name": settings.SITE_NAME, **context}
    subject = one_line(_render_plain(f"emails/{template}-subject.txt", context))
    text = _render_plain(f"emails/{template}-body.txt", context)
    html = render_to_string(f"emails/{template}-body.html", context)
    extra = {one_line(key): one_line(value) for key, value in (headers or {}).items()}
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [recipient(to, to_name)],  # type: ignore[list-item]
        headers=extra,
    )
    message.attach_alternative(html, "text/html")
    return message


def send(
    template: str, to: str, context: dict[str, Any], headers: dict[str, str] | None = None, *, to_name: str = ""
) -> None:
    build_email(template, to, context, headers, to_name=to_name).send()
