"""People: coach sign-up with a time zone, email verification, sign-in rate limits, password reset, profile."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from legwork.accounts.models import User
from legwork.coaching.models import Engagement

NEW_PASSWORD = "a long and unusual passphrase"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "ada@example.com",
        "name": "Ada Coach",
        "timezone": "America/Chicago",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return {**data, **overrides}


def first_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match is not None, body
    return match.group(1)


@pytest.mark.django_db
def test_a_coach_signs_up_with_a_time_zone_and_must_verify_the_email(client: Client) -> None:
    response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302
    ada = User.objects.get(email="ada@example.com")
    assert (ada.is_coach, ada.name, ada.timezone) == (True, "Ada Coach", "America/Chicago")
    assert ada.password.startswith("md5$")  # hashed (Argon2 outside tests)
    # Not signed in until the address is verified.
    assert client.get(reverse("home")).context["user"].is_authenticated is False
    [message] = mail.outbox
    link = first_link(str(message.body))
    assert client.get(link).status_code == 200  # a page with a button: a GET confirms nothing
    assert not ada.emailaddress_set.get().verified  # type: ignore[attr-defined]
    response = client.post(link)
    assert response.status_code == 302
    assert ada.emailaddress_set.get().verified  # type: ignore[attr-defined]
    assert client.get(reverse("home")).context["user"] == ada


@pytest.mark.django_db
def test_sign_up_keeps_what_was_typed_and_says_what_is_wrong(client: Client, alice: User) -> None:
    cases = [
        (signup_data(name=""), "name", "This field is required."),
        (signup_data(name="N" * 101), "name", "at most 100 characters"),
        (signup_data(timezone="Mars/Olympus"), "timezone", "Select a valid choice"),
        (signup_data(email="not-an-email"), "email", "Enter a valid email address."),
        (signup_data(password1="short", password2="short"), "password1", "too short"),
    ]
    for data, field, error in cases:
        response = client.post(reverse("account_signup"), data)
        assert response.status_code == 200, field
        html = unescape(response.content.decode())
        assert error in html, (field, html[-3000:])
        assert f'id="id_{field}_error"' in html, field
        assert data["name"] in html
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signing_up_with_a_known_address_tells_nothing_away_and_changes_nothing(client: Client, alice: User) -> None:
    response = client.post(reverse("account_signup"), signup_data(email=alice.email))
    assert response.status_code == 302
    assert User.objects.count() == 1
    alice.refresh_from_db()
    assert alice.name == "Alice Coach"


@pytest.mark.django_db
def test_the_sign_in_page_signs_in_a_verified_person(client: Client, alice: User) -> None:
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == alice


@pytest.mark.django_db
def test_failed_sign_ins_are_rate_limited(client: Client, alice: User) -> None:
    codes = [
        client.post(reverse("account_login"), {"login": alice.email, "password": "wrong"}).status_code for _ in range(5)
    ]
    assert codes == [200] * 5
    # Even the right password is refused for a while now, from this address.
    response = client.post(reverse("account_login"), {"login": alice.email, "password": PASSWORD})
    assert response.status_code == 429
    assert not client.get(reverse("home")).context["user"].is_authenticated


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_by_email(client: Client, alice: User) -> None:
    client.post(reverse("account_reset_password"), {"email": alice.email})
    [message] = mail.outbox
    link = first_link(str(message.body))
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert Client().login(email=alice.email, password=NEW_PASSWORD)
    assert not Client().login(email=alice.email, password=PASSWORD)


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_tells_nothing_away(client: Client) -> None:
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    # ...and mails no one: a stranger can't use the form to send mail to any address.
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_profile_changes_only_your_own_account(alice: User, bob: User) -> None:
    client = Client()
    client.force_login(bob)
    # There is no id to forge: the profile is always the signed-in person's.
    response = client.post(reverse("profile"), {"name": "Bobby", "timezone": "Asia/Tokyo", "pk": alice.pk})
    assert response.status_code == 302
    alice.refresh_from_db()
    bob.refresh_from_db()
    assert (bob.name, bob.timezone) == ("Bobby", "Asia/Tokyo")
    assert (alice.name, alice.timezone) == ("Alice Coach", "Europe/London")


@pytest.mark.django_db
def test_a_client_signing_in_lands_on_their_interval_not_the_practice(alice_bob: Engagement, bob: User) -> None:
    client = Client()
    client.post(reverse("account_login"), {"login": bob.email, "password": PASSWORD})
    response = client.get(reverse("home"))
    assert response.templates[0].name == "homework/client_home.html"
    assert client.get(reverse("coach_home")).status_code == 403
    assert client.get(reverse("invitations")).status_code == 403


@pytest.mark.django_db
def test_times_show_in_each_persons_own_zone(alice_bob: Engagement, alice: User, bob: User) -> None:
    import datetime as dt

    from conftest import make_session

    session = make_session(alice_bob, at=dt.datetime(2030, 1, 15, 17, 0, tzinfo=dt.UTC))
    bob.timezone = "Asia/Tokyo"
    bob.save()
    coach, person = Client(), Client()
    coach.force_login(alice)
    person.force_login(bob)
    assert "17:00" in coach.get(reverse("session", args=[session.pk])).content.decode()
    assert "02:00" in person.get(reverse("session", args=[session.pk])).content.decode()


@pytest.mark.django_db
def test_the_colour_scheme_chosen_on_the_profile_is_on_every_page(bob: User) -> None:
    client = Client()
    client.force_login(bob)
    assert b'data-theme="auto"' in client.get(reverse("profile")).content
    client.post(reverse("profile"), {"name": "Bob", "timezone": "Europe/London", "theme": "dark"})
    bob.refresh_from_db()
    assert bob.theme == "dark"
    assert b'<html lang="en" data-theme="dark">' in client.get(reverse("home")).content
    # A form sent without the choice keeps it.
    client.post(reverse("profile"), {"name": "Bobby", "timezone": "Europe/London"})
    bob.refresh_from_db()
    assert (bob.name, bob.theme) == ("Bobby", "dark")
    assert client.post(reverse("profile"), {"name": "B", "timezone": "UTC", "theme": "neon"}).status_code == 400
