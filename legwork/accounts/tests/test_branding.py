"""allauth's pages and emails in Legwork's layout and voice, with the site's name and contact from settings."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def bodies(message: Any) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return plain, html


def assert_branded(message: Any, site_name: str) -> None:
    plain, html = bodies(message)
    assert message["Subject"].startswith(f"[{site_name}] ")
    for body in (plain, html):
        assert site_name in body
        # allauth's stock greeting names the request's host, and its footer the Sites framework's example.com.
        assert "Hello from" not in body
        assert "example.com" not in body
        assert "Thank you for using" not in body


def test_a_password_reset_email_carries_the_site_name(settings: Any, bob: Any, smtp_settings: Any) -> None:
    settings.SITE_NAME = "Northstar Coaching"
    response = Client().post("/accounts/password/reset/", {"email": bob.email})
    assert response.status_code == 302
    [message] = smtp_settings.messages
    assert message["Subject"] == "[Northstar Coaching] Choose a new password"
    assert_branded(message, "Northstar Coaching")
    plain, _ = bodies(message)
    assert "/accounts/password/reset/key/" in plain


def test_a_login_code_email_carries_the_site_name(settings: Any, bob: Any, smtp_settings: Any) -> None:
    settings.SITE_NAME = "Northstar Coaching"
    settings.CONTACT_EMAIL = "help@northstar.test"
    Client().post("/accounts/login/code/", {"email": bob.email})
    [message] = smtp_settings.messages
    assert message["Subject"] == "[Northstar Coaching] Your sign-in code"
    assert_branded(message, "Northstar Coaching")
    plain, html = bodies(message)
    assert "help@northstar.test" in plain
    assert 'href="mailto:help@northstar.test"' in html


def test_an_email_without_a_contact_promises_none(bob: Any, smtp_settings: Any) -> None:
    Client().post("/accounts/login/code/", {"email": bob.email})
    [message] = smtp_settings.messages
    assert_branded(message, "Legwork")
    for body in bodies(message):
        assert "Write to" not in body
        assert "contact" not in body.lower()


def test_a_confirmation_email_at_sign_up_is_branded(settings: Any, smtp_settings: Any) -> None:
    response = Client().post(
        "/accounts/signup/",
        {
            "email": "new.coach@example.org",
            "password1": "a long enough secret 1",
            "password2": "a long enough secret 1",
            "name": "New Coach",
            "timezone": "Europe/London",
        },
    )
    assert response.status_code == 302, response.content
    [message] = smtp_settings.messages
    assert message["Subject"] == "[Legwork] Confirm your email address"
    assert_branded(message, "Legwork")


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/login/code/",
        "/accounts/password/reset/key/1-x/",
    ],
)
def test_account_pages_sit_in_the_legwork_layout(url: str) -> None:
    page = Client().get(url).content.decode()
    assert '<a class="brand"' in page
    assert 'class="narrow allauth"' in page
    assert "Please contact us" not in page
    assert "contact us" not in page.lower()


def test_pages_offer_the_contact_only_when_there_is_one(settings: Any) -> None:
    assert "mailto:" not in Client().get("/accounts/password/reset/").content.decode()
    settings.CONTACT_EMAIL = "help@northstar.test"
    assert 'href="mailto:help@northstar.test"' in Client().get("/accounts/password/reset/").content.decode()


def test_the_password_reset_done_page_uses_the_site_name(settings: Any) -> None:
    settings.SITE_NAME = "Northstar Coaching"
    page = Client().get("/accounts/password/reset/done/").content.decode()
    assert "Northstar Coaching account" in page
    assert "<title>Check your email · Northstar Coaching</title>" in page
