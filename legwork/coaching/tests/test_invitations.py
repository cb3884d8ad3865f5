"""Invitations: a single-use, expiring link by which a client joins a coach."""

from __future__ import annotations

import datetime as dt
import re
import threading
from html import unescape
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, make_engagement, make_user
from legwork.accounts.models import User
from legwork.coaching import services
from legwork.coaching.models import Engagement, Invitation

NEW_PASSWORD = "a long and unusual passphrase"


def join_data(**overrides: str) -> dict[str, str]:
    data = {"name": "Nia Client", "timezone": "Europe/Paris", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return {**data, **overrides}


def token_from(url: str) -> str:
    match = re.search(r"/join/([^/]+)/", url)
    assert match is not None, url
    return match.group(1)


def setup_path(token: str) -> str:
    """The set-up link that only the invited address receives, as a path."""
    invitation = services.invitation_for_token(token)
    return services.invitation_setup_url(invitation, token).removeprefix(settings.SITE_ROOT)


@pytest.mark.django_db
def test_it_stores_only_a_hash_of_the_token_and_expires_in_two_weeks(alice: User) -> None:
    now = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        invitation, token = services.invitation_create(coach=alice, email="Nia@Example.com", send_email=False)
        assert invitation.state == "pending"
    assert token not in invitation.token_hash
    assert len(token) >= 40
    assert invitation.email == "nia@example.com"
    assert invitation.expires_at == now + dt.timedelta(days=14)


@pytest.mark.django_db
def test_it_emails_the_link_over_smtp(smtp_settings: Any, alice: User) -> None:
    invitation, token = services.invitation_create(coach=alice, email="nia@example.com", name="Nia")
    [message] = smtp_settings.messages
    assert message["To"] == "Nia <nia@example.com>"
    assert "Alice Coach invites you to Legwork" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert services.invitation_url(token) in text
    assert services.invitation_url(token) in html
    assert "Hello Nia" in text


@pytest.mark.django_db
def test_a_new_client_joins_by_the_link_once(client: Client, alice: User) -> None:
    _, token = services.invitation_create(coach=alice, email="nia@example.com")
    [email] = mail.outbox
    url = first_path(str(email.body))
    assert url == setup_path(token)
    assert client.get(url).status_code == 200
    response = client.post(url, join_data())
    assert response.status_code == 302
    nia = User.objects.get(email="nia@example.com")
    assert (nia.name, nia.timezone, nia.is_coach) == ("Nia Client", "Europe/Paris", False)
    assert Engagement.objects.get(client=nia).coach == alice
    assert nia.emailaddress_set.get().verified  # type: ignore[attr-defined]
    # Signed in, and the link is spent: a replay shows why, never a second account.
    assert client.get(reverse("home")).status_code == 200
    Client().post(url, join_data(name="Someone else"))
    for replay in (Client().get(url), Client().get(reverse("join", args=[token]))):
        assert replay.status_code == 410
        assert "already been used" in replay.content.decode()
    assert User.objects.filter(email="nia@example.com").count() == 1


def first_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match is not None, body
    return match.group(1)


@pytest.mark.django_db
def test_it_refuses_an_expired_link(client: Client, alice: User) -> None:
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC), tick=False):
        _, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    with time_machine.travel(dt.datetime(2026, 1, 15, 11, 59, tzinfo=dt.UTC), tick=False):
        assert client.get(reverse("join", args=[token])).status_code == 200
    with time_machine.travel(dt.datetime(2026, 1, 15, 11, 59, tzinfo=dt.UTC), tick=False):
        url = setup_path(token)
    with time_machine.travel(dt.datetime(2026, 1, 15, 12, 1, tzinfo=dt.UTC), tick=False):
        response = client.post(url, join_data())
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email="nia@example.com").exists()


@pytest.mark.django_db
def test_it_refuses_a_made_up_link(client: Client, alice: User) -> None:
    for token in ["nope", "x" * 300, "%00", "../../admin"]:
        response = client.get(f"/join/{token}/")
        assert response.status_code in (404, 410), token


@pytest.mark.django_db
def test_a_revoked_link_stops_and_a_renewed_one_works(client: Client, alice: User) -> None:
    invitation, old = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    client.force_login(alice)
    client.post(reverse("invitation_revoke", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert Client().get(reverse("join", args=[old])).status_code == 410

    response = client.post(reverse("invitation_renew", args=[invitation.pk]), follow=True)
    new_link = response.context["new_link"]
    assert new_link
    new = token_from(new_link)
    invitation.refresh_from_db()
    assert invitation.state == "pending"
    assert Client().get(reverse("join", args=[old])).status_code == 410
    assert Client().post(setup_path(new), join_data()).status_code == 302
    # The link was shown once: reloading the page doesn't show it again.
    assert client.get(reverse("invitations")).context["new_link"] is None


@pytest.mark.django_db
def test_an_existing_client_accepts_a_second_coach(client: Client, alice: User, carol: User, dan: User) -> None:
    make_engagement(carol, dan)
    _, token = services.invitation_create(coach=alice, email=dan.email, send_email=False)
    url = reverse("join", args=[token])
    # From the link in their own inbox, they're asked to sign in rather than make a second account.
    page = client.get(setup_path(token))
    assert page.context["existing"] is True
    assert "Sign in to accept" in page.content.decode()
    assert "Sign in to accept" in client.post(setup_path(token), join_data()).content.decode()
    assert User.objects.filter(email=dan.email).count() == 1

    client.force_login(dan)
    assert "Accept the invitation" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert set(Engagement.objects.filter(client=dan).values_list("coach__email", flat=True)) == {
        "alice@example.com",
        "carol@example.com",
    }


@pytest.mark.django_db
def test_a_paused_client_accepting_again_resumes_the_engagement(alice: User, bob: User) -> None:
    engagement = make_engagement(alice, bob, status=Engagement.Status.PAUSED)
    _, token = services.invitation_create(coach=alice, email=bob.email, send_email=False)
    assert services.invitation_accept(token=token, client=bob) == engagement
    engagement.refresh_from_db()
    assert engagement.status == Engagement.Status.ACTIVE
    assert Engagement.objects.filter(client=bob).count() == 1


@pytest.mark.django_db
def test_a_coach_cannot_accept_their_own_invitation(alice: User) -> None:
    _, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    with pytest.raises(services.InvitationError):
        services.invitation_accept(token=token, client=alice)
    # Nothing was spent: the client can still use it.
    assert services.invitation_for_token(token).state == "pending"


@pytest.mark.django_db
def test_two_tabs_on_one_link_make_one_account(alice: User) -> None:
    _, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    url = setup_path(token)
    first, second = Client(), Client()
    assert first.get(url).status_code == second.get(url).status_code == 200
    assert first.post(url, join_data()).status_code == 302
    late = second.post(url, join_data(name="Also Nia"))
    assert late.status_code == 410
    assert User.objects.get(email="nia@example.com").name == "Nia Client"
    assert Engagement.objects.filter(coach=alice).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_racing_acceptances_claim_the_link_once(alice: User) -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("threads need a database file or PostgreSQL; the in-memory SQLite test database is shared-cache")
    _, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    nia = make_user("nia@example.com")  # the same person in two tabs
    barrier = threading.Barrier(2)
    results: list[str] = []

    def accept(person: User) -> None:
        from django.db import connections

        barrier.wait()
        try:
            services.invitation_accept(token=token, client=person)
            results.append("ok")
        except services.InvitationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=[nia]) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert Engagement.objects.filter(coach=alice).count() == 1


@pytest.mark.django_db
def test_the_join_form_keeps_what_was_typed_and_says_what_is_wrong(client: Client, alice: User) -> None:
    _, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    url = setup_path(token)
    cases = [
        (join_data(name=""), "name", "This field is required."),
        (join_data(name="N" * 101), "name", "at most 100 characters"),
        (join_data(timezone="Mars/Olympus"), "timezone", "Select a valid choice"),
        (join_data(password2="something else entirely"), "password2", "The two passwords differ."),
        (join_data(password1="password", password2="password"), "password1", "too common"),
    ]
    for data, field, message in cases:
        response = client.post(url, data)
        assert response.status_code == 400, field
        html = response.content.decode()
        assert message in html, (field, html[:200])
        assert f"id_{field}_error" in html, field
        if field == "name" and data["name"]:
            assert data["name"] in html
    assert not User.objects.filter(email="nia@example.com").exists()
    assert Invitation.objects.get().state == "pending"


@pytest.mark.django_db
def test_the_invitation_form_keeps_what_was_typed(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.post(reverse("invitations"), {"name": "Nia", "email": "not-an-email"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="not-an-email"' in html
    assert not Invitation.objects.exists()
    response = client.post(reverse("invitations"), {"name": "N" * 101, "email": "nia@example.com"})
    assert response.status_code == 400
    assert "at most 100 characters" in response.content.decode()


@pytest.mark.django_db
def test_it_sends_the_invitation_from_the_page_and_shows_the_link_once(client: Client, alice: User) -> None:
    client.force_login(alice)
    response = client.post(reverse("invitations"), {"name": "Nia", "email": "nia@example.com", "send_email": "on"})
    assert response.status_code == 302
    page = client.get(reverse("invitations"))
    link = page.context["new_link"]
    assert link in mail.outbox[0].body
    assert "Invitation sent to nia@example.com." in page.content.decode()
    assert Client().get(reverse("join", args=[token_from(link)])).status_code == 200


@pytest.mark.django_db
def test_only_the_inviting_coach_sees_and_manages_an_invitation(client: Client, alice: User, carol: User) -> None:
    invitation, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    client.force_login(carol)
    assert "nia@example.com" not in client.get(reverse("invitations")).content.decode()
    assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 404
    assert client.post(reverse("invitation_renew", args=[invitation.pk])).status_code == 404
    assert services.invitation_for_token(token).state == "pending"


@pytest.mark.django_db
def test_a_client_cannot_invite(client: Client, alice_bob: Engagement, bob: User) -> None:
    invitation, _ = services.invitation_create(coach=alice_bob.coach, email="nia@example.com", send_email=False)
    client.force_login(bob)
    assert client.get(reverse("invitations")).status_code == 403
    assert client.post(reverse("invitations"), {"email": "x@example.com"}).status_code == 403
    assert client.post(reverse("invitation_revoke", args=[invitation.pk])).status_code == 403
    assert not Invitation.objects.filter(email="x@example.com").exists()


@pytest.mark.django_db
def test_a_signed_in_client_password_still_works_after_joining_a_second_coach(alice: User, dan: User) -> None:
    _, token = services.invitation_create(coach=alice, email=dan.email, send_email=False)
    services.invitation_accept(token=token, client=dan)
    assert Client().login(email=dan.email, password=PASSWORD)


@pytest.mark.django_db
def test_when_the_mail_server_is_away_the_link_is_still_shown_to_copy(
    client: Client, alice: User, settings: Any
) -> None:
    from legwork.lib.testing import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    client.force_login(alice)
    response = client.post(reverse("invitations"), {"email": "nia@example.com", "send_email": "on"}, follow=True)
    assert response.status_code == 200
    assert "could not be sent" in response.content.decode()
    link = response.context["new_link"]
    assert Client().get(reverse("join", args=[token_from(link)])).status_code == 200


@pytest.mark.django_db
def test_a_coach_opening_their_own_link_is_told_so_and_nothing_is_spent(client: Client, alice: User) -> None:
    _, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    client.force_login(alice)
    for response in (client.get(reverse("join", args=[token])), client.post(reverse("join", args=[token]))):
        assert response.status_code == 400
        assert "your own invitation" in response.content.decode()
    assert services.invitation_for_token(token).state == "pending"


@pytest.mark.django_db
def test_only_the_invited_address_can_accept(client: Client, alice: User, dan: User) -> None:
    _, token = services.invitation_create(coach=alice, email="someone@example.com", send_email=False)
    url = reverse("join", args=[token])
    client.force_login(dan)
    page = client.get(url)
    assert page.status_code == 403
    html = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", unescape(page.content.decode())))
    assert "Alice Coach invited someone@example.com, and you're signed in as dan@example.com" in html
    assert "Accept the invitation" not in html
    assert client.post(url).status_code == 403
    # The service itself refuses, for any caller; and nothing is spent.
    with pytest.raises(services.InvitationError, match="This invitation is for someone@example.com"):
        services.invitation_accept(token=token, client=dan)
    assert services.invitation_for_token(token).state == "pending"
    assert not Engagement.objects.filter(client=dan).exists()
    # The set-up link, mailed to the invited address, sends a signed-in person to the same check.
    assert client.get(setup_path(token)).status_code == 302


@pytest.mark.django_db
def test_an_unverified_address_on_an_account_does_not_count(alice: User, dan: User) -> None:
    from allauth.account.models import EmailAddress

    _, token = services.invitation_create(coach=alice, email="someone@example.com", send_email=False)
    EmailAddress.objects.create(user=dan, email="someone@example.com", verified=False, primary=False)
    with pytest.raises(services.InvitationError):
        services.invitation_accept(token=token, client=dan)
    EmailAddress.objects.filter(email="someone@example.com").update(verified=True)
    assert services.invitation_accept(token=token, client=dan).client == dan


@pytest.mark.django_db
def test_the_join_page_is_the_same_whether_or_not_the_address_has_an_account(alice: User, dan: User) -> None:
    _, known = services.invitation_create(coach=alice, email=dan.email, send_email=False)
    _, unknown = services.invitation_create(coach=alice, email="nobody@example.com", send_email=False)

    def page(token: str, method: str = "get") -> tuple[int, str, list[str]]:
        response = getattr(Client(), method)(reverse("join", args=[token]))
        html = response.content.decode().replace(token, "TOKEN").replace(dan.email, "ADDRESS")
        html = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", html.replace("nobody@example.com", "ADDRESS"))
        return response.status_code, html, [t.name for t in response.templates]

    assert page(known) == page(unknown)
    assert page(known, "post") == page(unknown, "post")
    # Both sent the same kind of email, to the invited address only: the one that lets its owner in.
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([dan.email], "Alice Coach invites you to Legwork"),
        (["nobody@example.com"], "Alice Coach invites you to Legwork"),
    ]


@pytest.mark.django_db
def test_the_coachs_copy_of_the_link_cannot_make_the_account(client: Client, alice: User) -> None:
    _, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    url = reverse("join", args=[token])
    # Whoever holds the copied link can only have it mailed to the invited address.
    assert client.post(url, join_data()).status_code == 200
    assert not User.objects.filter(email="nia@example.com").exists()
    assert "Check your inbox" in client.post(url).content.decode()
    made_up = url + "set-up/" + "A" * 27 + "/"
    assert client.post(made_up, join_data()).status_code == 410
    assert not User.objects.filter(email="nia@example.com").exists()
    # The link is mailed a few times an hour at most.
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 429
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_new_link_voids_the_old_set_up_link(client: Client, alice: User) -> None:
    invitation, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    old = setup_path(token)
    new = services.invitation_renew(invitation=invitation)
    assert client.get(old).status_code == 410
    assert client.get(setup_path(new)).status_code == 200


@pytest.mark.django_db
def test_a_coach_can_email_only_so_many_invitations(client: Client, alice: User, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "invitation_send": "2/h/user"}
    client.force_login(alice)
    for n in range(3):
        response = client.post(reverse("invitations"), {"email": f"n{n}@example.com", "send_email": "on"}, follow=True)
        assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["n0@example.com"], ["n1@example.com"]]
    assert "wasn't emailed: copy the link below" in unescape(response.content.decode())
    assert response.context["new_link"]
    assert Invitation.objects.count() == 3


@pytest.mark.django_db
def test_when_the_mail_server_is_away_the_join_page_says_to_try_again(
    client: Client, alice: User, settings: Any
) -> None:
    from legwork.lib.testing import free_port

    _, token = services.invitation_create(coach=alice, email="nia@example.com", send_email=False)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    response = client.post(reverse("join", args=[token]))
    assert response.status_code == 503
    assert "Try again in a few minutes" in response.content.decode()
