"""Single sign-on through OpenID Connect, end to end against a provider the test starts (sso_idp.OIDCProvider).

The browser's leg is Django's test client and `requests`: Legwork's sign-in button redirects to the
provider, the provider redirects back with a code, and Legwork itself calls the provider's token,
jwks and userinfo endpoints over loopback HTTP, as it would a university's.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.test import Client

from conftest import PASSWORD, make_engagement, make_user
from legwork.accounts.models import User
from legwork.practice.models import Membership, Practice
from legwork.practice.services import practice_of

from .conftest import oidc_sign_in, on_coach_home, providers_from_environment
from .sso_idp import OIDCProvider


def test_the_sign_in_page_offers_the_practices_provider(careers_oidc: Practice) -> None:
    page = Client().get("/accounts/login/")
    assert b"University sign-in" in page.content
    assert b'action="/accounts/oidc/uni/login/' in page.content


def test_a_first_sign_in_makes_a_coach_of_the_practice(careers_oidc: Practice, oidc_idp: OIDCProvider) -> None:
    oidc_idp.sign_in_as(sub="u-1001", email="ruth.adviser@uni.example.ac.uk", name="Ruth Adviser")
    client = Client()

    response = oidc_sign_in(client, oidc_idp)

    assert on_coach_home(response)
    ruth = User.objects.get(email="ruth.adviser@uni.example.ac.uk")
    assert ruth.is_coach
    assert ruth.name == "Ruth Adviser"
    assert not ruth.has_usable_password()
    membership = Membership.objects.get(user=ruth)
    assert (membership.practice, membership.role) == (careers_oidc, Membership.Role.COACH)
    assert SocialAccount.objects.get(user=ruth).uid == "u-1001"
    assert oidc_idp.token_requests == 1

    # The second time: the same account, no new one.
    again = oidc_sign_in(Client(), oidc_idp)
    assert on_coach_home(again)
    assert User.objects.filter(email="ruth.adviser@uni.example.ac.uk").count() == 1


def test_an_existing_coach_with_the_same_verified_address_is_linked_not_duplicated(
    careers_oidc: Practice, oidc_idp: OIDCProvider
) -> None:
    sam = make_user("sam@uni.example.ac.uk", name="Sam Solo", is_coach=True)
    solo = practice_of(sam).practice  # a practice of one, as every coach has
    oidc_idp.sign_in_as(sub="u-2002", email="SAM@uni.example.ac.uk", name="Sam S.")

    assert on_coach_home(oidc_sign_in(Client(), oidc_idp))

    assert User.objects.filter(email__iexact="sam@uni.example.ac.uk").count() == 1
    assert SocialAccount.objects.get(uid="u-2002").user == sam
    assert Membership.objects.get(user=sam).practice == careers_oidc
    assert not Practice.objects.filter(pk=solo.pk).exists()


def test_an_address_outside_the_practices_domains_is_refused(careers_oidc: Practice, oidc_idp: OIDCProvider) -> None:
    oidc_idp.sign_in_as(sub="u-3003", email="someone@gmail.example.com")

    response = oidc_sign_in(Client(), oidc_idp)

    assert response.status_code == 403
    assert b"is not an address of Careers Service" in response.content
    assert not User.objects.filter(email="someone@gmail.example.com").exists()
    assert "_auth_user_id" not in response.client.session


def test_a_clients_account_is_never_signed_in_through_it(careers_oidc: Practice, oidc_idp: OIDCProvider) -> None:
    coach = make_user("kim@uni.example.ac.uk", is_coach=True)
    student = make_user("student@uni.example.ac.uk", name="Stu Dent")
    make_engagement(coach, student)
    oidc_idp.sign_in_as(sub="u-4004", email="student@uni.example.ac.uk")

    response = oidc_sign_in(Client(), oidc_idp)

    assert response.status_code == 403
    assert b"client" in response.content
    assert not SocialAccount.objects.exists()
    assert not Membership.objects.filter(user=student).exists()
    assert "_auth_user_id" not in response.client.session


def test_a_coach_of_another_practice_is_not_taken_over(
    careers_oidc: Practice, oidc_idp: OIDCProvider, alice: User, frank: User
) -> None:
    """frank coaches in alice's practice of two: the careers_oidc service's provider does not move him."""
    frank.email = "frank@uni.example.ac.uk"
    frank.save()
    EmailAddress.objects.filter(user=frank).update(email="frank@uni.example.ac.uk")
    oidc_idp.sign_in_as(sub="u-5005", email="frank@uni.example.ac.uk")

    response = oidc_sign_in(Client(), oidc_idp)

    assert response.status_code == 403
    assert Membership.objects.get(user=frank).practice == practice_of(alice).practice


def test_an_unconfirmed_local_address_is_not_linked(careers_oidc: Practice, oidc_idp: OIDCProvider) -> None:
    squatter = User.objects.create_user("lee@uni.example.ac.uk", PASSWORD, is_coach=True)
    oidc_idp.sign_in_as(sub="u-6006", email="lee@uni.example.ac.uk")

    response = oidc_sign_in(Client(), oidc_idp)

    assert response.status_code == 403
    assert not SocialAccount.objects.filter(user=squatter).exists()


def test_a_provider_tied_to_no_practice_signs_nobody_in(db: Any, oidc_idp: OIDCProvider) -> None:
    SocialApp.objects.create(
        provider="openid_connect", provider_id="uni", name="Stray", client_id=oidc_idp.client_id,
        secret=oidc_idp.client_secret, settings={"server_url": oidc_idp.url},
    )  # fmt: skip
    oidc_idp.sign_in_as(sub="u-7007", email="x@uni.example.ac.uk")

    response = oidc_sign_in(Client(), oidc_idp)

    assert response.status_code == 403
    assert not User.objects.exists()


def test_sso_only_refuses_a_password_sign_in_of_the_practices_coach(
    careers_oidc: Practice, oidc_idp: OIDCProvider
) -> None:
    oidc_idp.sign_in_as(sub="u-8008", email="ruth@uni.example.ac.uk")
    assert on_coach_home(oidc_sign_in(Client(), oidc_idp))
    ruth = User.objects.get(email="ruth@uni.example.ac.uk")
    ruth.set_password(PASSWORD)  # say a password was set before the practice went SSO-only
    ruth.save()
    careers_oidc.password_sign_in = False
    careers_oidc.save()

    client = Client()
    response = client.post("/accounts/login/", {"login": "ruth@uni.example.ac.uk", "password": PASSWORD})

    assert response.status_code == 403
    assert b"through its identity provider only" in response.content
    assert "_auth_user_id" not in client.session
    # Through the provider, the same coach still signs in.
    assert on_coach_home(oidc_sign_in(client, oidc_idp))


def test_sso_only_leaves_clients_and_other_practices_their_password(
    careers_oidc: Practice, alice: User, bob: User
) -> None:
    careers_oidc.password_sign_in = False
    careers_oidc.save()
    for person in (alice, bob):
        client = Client()
        response = client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
        assert response.status_code == 302, person
        assert client.session["_auth_user_id"] == str(person.pk)


def test_the_environment_variables_configure_the_provider(settings: Any, db: Any, oidc_idp: OIDCProvider) -> None:
    """SSO_OIDC_* alone, no admin: the provider is listed, tied to the practice they name, and signs its coach in."""
    practice = Practice.objects.create(name="Careers by env")
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_environment(
        SSO_OIDC_SERVER_URL=oidc_idp.url,
        SSO_OIDC_CLIENT_ID=oidc_idp.client_id,
        SSO_OIDC_SECRET=oidc_idp.client_secret,
        SSO_OIDC_NAME="Staff sign-in",
        SSO_OIDC_PRACTICE=str(practice.pk),
        SSO_OIDC_DOMAINS="staff.example.ac.uk, uni.example.ac.uk",
    )
    app = get_adapter().get_app(None, "oidc")
    assert (app.provider, app.client_id, app.secret) == ("openid_connect", oidc_idp.client_id, oidc_idp.client_secret)
    assert app.settings["domains"] == ["staff.example.ac.uk", "uni.example.ac.uk"]
    assert b"Staff sign-in" in Client().get("/accounts/login/").content

    oidc_idp.sign_in_as(sub="env-1", email="pat@staff.example.ac.uk", name="Pat")
    assert on_coach_home(oidc_sign_in(Client(), oidc_idp, "/accounts/oidc/oidc/login/"))
    assert Membership.objects.get(user__email="pat@staff.example.ac.uk").practice == practice

    oidc_idp.sign_in_as(sub="env-2", email="pat@elsewhere.example.com")
    assert oidc_sign_in(Client(), oidc_idp, "/accounts/oidc/oidc/login/").status_code == 403


def test_a_practice_admin_turns_password_sign_in_off_only_once_a_provider_is_tied(
    alice: User, careers_oidc: Practice
) -> None:
    """alice owns a practice with no identity provider: turning passwords off would lock everyone out."""
    client = Client()
    client.force_login(alice)
    mine = practice_of(alice).practice
    refused = client.post("/practice/settings/", {"name": mine.name, "sso_domains": ""})  # the box unticked
    assert refused.status_code == 400
    assert b"Single sign-on is not set up for this practice yet" in refused.content
    mine.refresh_from_db()
    assert mine.password_sign_in

    owner = make_user("head@uni.example.ac.uk", is_coach=True)
    Membership.objects.create(practice=careers_oidc, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    saved = client.post(
        "/practice/settings/",
        {"name": careers_oidc.name, "sso_domains": careers_oidc.sso_domains, "sso_provider": "other"},
    )
    assert saved.status_code == 302
    careers_oidc.refresh_from_db()
    assert not careers_oidc.password_sign_in
    assert careers_oidc.sso_provider == "uni"  # only the site's staff tie a provider to a practice


def test_the_sign_in_pages_let_the_buttons_reach_the_provider_and_no_other_page_does(
    careers_oidc: Practice, oidc_idp: OIDCProvider, alice: User
) -> None:
    """A browser holds the button's redirect to the page's form-action (the browser test found it)."""
    policy = Client().get("/accounts/login/")["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_idp.url}" in policy
    client = Client()
    client.force_login(alice)
    assert oidc_idp.url not in client.get("/profile/")["Content-Security-Policy"]
    SocialApp.objects.all().delete()
    assert "form-action 'self';" in Client().get("/accounts/login/")["Content-Security-Policy"] + ";"
