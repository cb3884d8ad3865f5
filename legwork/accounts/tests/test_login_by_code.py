"""Sign-in without a password (a code by email), and the devices page that lists and ends sign-ins."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def code_from(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    [code] = re.findall(r"^\s*(\d{6})\r?$", body, re.MULTILINE)
    return str(code)


def sign_in_by_code(client: Client, email: str, sink: Any, user_agent: str = "") -> None:
    headers = {"User-Agent": user_agent} if user_agent else {}
    response = client.post("/accounts/login/code/", {"email": email}, headers=headers)
    assert response.status_code == 302, response.content
    code = code_from(sink.messages[-1])
    response = client.post("/accounts/login/code/confirm/", {"code": code}, headers=headers)
    assert response.status_code == 302


def test_a_client_signs_in_by_a_code_from_the_email(bob: Any, smtp_settings: Any) -> None:
    client = Client()
    sign_in_by_code(client, bob.email, smtp_settings)
    assert client.get("/").wsgi_request.user == bob
    [message] = smtp_settings.messages
    assert message["To"] == bob.email


def test_a_wrong_code_three_times_ends_the_attempt(bob: Any, smtp_settings: Any) -> None:
    client = Client()
    client.post("/accounts/login/code/", {"email": bob.email})
    for _ in range(3):
        response = client.post("/accounts/login/code/confirm/", {"code": "000000"})
    assert not client.get("/").wsgi_request.user.is_authenticated
    # The right code no longer works either: the attempt is over.
    client.post("/accounts/login/code/confirm/", {"code": code_from(smtp_settings.messages[-1])})
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert response.status_code in (200, 302)


def test_asking_for_codes_is_rate_limited(bob: Any, smtp_settings: Any) -> None:
    answers = [Client().post("/accounts/login/code/", {"email": bob.email}) for _ in range(5)]
    assert [answer.status_code for answer in answers[:3]] == [302, 302, 302]
    # The fourth within the minute is refused beside the field, the address kept, and nothing is sent.
    for answer in answers[3:]:
        assert answer.status_code == 200
        assert "Too many" in answer.content.decode()
        assert bob.email in answer.content.decode()
    assert len(smtp_settings.messages) == 3


def test_an_unknown_address_gets_no_email_and_the_same_answer(smtp_settings: Any, bob: Any) -> None:
    response = Client().post("/accounts/login/code/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert smtp_settings.messages == []


def test_each_sign_in_is_a_device_listed_and_revocable(bob: Any, smtp_settings: Any) -> None:
    phone, laptop = Client(), Client()
    sign_in_by_code(phone, bob.email, smtp_settings, "Mozilla/5.0 (Linux; Android 15) Chrome/140.0 Mobile")
    assert laptop.login(email=bob.email, password=PASSWORD)
    # Client.login sends no user_logged_in through allauth: sign in the laptop as a person would.
    laptop = Client(headers={"User-Agent": "Mozilla/5.0 (Macintosh; Mac OS X 14) Firefox/140.0"})
    laptop.post("/accounts/login/", {"login": bob.email, "password": PASSWORD})
    page = laptop.get("/profile/devices/").content.decode()
    assert "Chrome on Android" in page
    assert "Firefox on Mac" in page
    phone_row = UserSession.objects.get(user=bob, user_agent__contains="Android")
    response = laptop.post("/profile/devices/", {"session": phone_row.pk})
    assert response.status_code == 302
    assert not phone.get("/").wsgi_request.user.is_authenticated
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    assert laptop.get("/").wsgi_request.user == bob


def test_signing_out_every_other_device_keeps_this_one(bob: Any, smtp_settings: Any) -> None:
    others = [Client(), Client()]
    for other in others:
        sign_in_by_code(other, bob.email, smtp_settings)
    here = Client()
    here.post("/accounts/login/", {"login": bob.email, "password": PASSWORD})
    here.post("/profile/devices/", {"others": "1"})
    assert all(not other.get("/").wsgi_request.user.is_authenticated for other in others)
    assert here.get("/").wsgi_request.user == bob
    assert UserSession.objects.filter(user=bob).count() == 1


def test_another_persons_device_is_not_found(bob: Any, dan: Any) -> None:
    dans = Client()
    dans.post("/accounts/login/", {"login": dan.email, "password": PASSWORD})
    dans_row = UserSession.objects.get(user=dan)
    bobs = Client()
    bobs.post("/accounts/login/", {"login": bob.email, "password": PASSWORD})
    assert bobs.post("/profile/devices/", {"session": dans_row.pk}).status_code == 404
    assert bobs.post("/profile/devices/", {"session": "not a number"}).status_code == 404
    assert dans.get("/").wsgi_request.user == dan
    assert "Android" not in bobs.get("/profile/devices/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_client_signs_in_by_code_in_the_browser(open_browser: Any, smtp_settings: Any, bob: Any) -> None:
    tab = open_browser("client-by-code")
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.click("text=Email me a sign-in code instead")
    page.fill("input[name=email]", bob.email)
    page.click("button[type=submit]")
    page.wait_for_url("**/login/code/confirm/")
    tab.screenshot("enter-code")
    page.fill("input[name=code]", code_from(smtp_settings.messages[-1]))
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    page.goto("/profile/devices/")
    assert page.locator(".badge", has_text="this device").count() == 1
    tab.screenshot("devices")
    tab.assert_accessible()
