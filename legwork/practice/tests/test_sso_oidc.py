"""Single sign-on through OpenID Connect, end to end against a provider the test starts (sso_idp.OIDCProvider).

The browser's leg is Django's test client and `requests`: Legwork's sign-in button redirects to the
provider, the provider redirects back with a code, and Legwork itself calls the provider's token,
jwks and userinfo endpoints over loopback HTTP, as it would a university's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.test import Client

from conftest import PASSWORD, make_engagement, make_user
from legwork.accounts.models import User
from legwork.practice.models import Membership, Practice
from legwork.practice.services import practice_of

from .sso_idp import OIDCProvider

BASE_DIR = Path(__file__).resolve().parents[3]


@pytest.fixture
def idp() -> Iterator[OIDCProvider]:
    provider = OIDCProvider(client_id="legwork-test", client_secret="s3cret-for-tests")
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def careers(db: Any, idp: OIDCProvider) -> Practice:
    """A careers service whose identity provider is set up in the admin: a SocialApp, named on the practice."""
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="uni",
        name="University sign-in",
        client_id=idp.client_id,
        secret=idp.client_secret,
        settings={"server_url": idp.url, "oauth_pkce_enabled": True},
    )
    return Practice.objects.create(name="Careers Service", sso_provider="uni", sso_domains="uni.example.ac.uk")


def sign_in_through(client: Client, idp: OIDCProvider, login_path: str = "/accounts/oidc/uni/login/") -> Any:
    """Press the sign-in button, pass the provider, come back; the response after following redirects."""
    start = client.post(login_path)
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(f"{idp.url}/authorize?")
    at_idp = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302, at_idp.text
    back = urlsplit(at_idp.headers["Location"])
    assert back.netloc == "testserver"
    return client.get(f"{back.path}?{back.query}", follow=True)


def on_coach_home(response: Any) -> bool:
    home = response.status_code == 200 and response.request["PATH_INFO"] == "/"
    return home and b"<h1>Your practice</h1>" in response.content


def test_the_sign_in_page_offers_the_practices_provider(careers: Practice) -> None:
    page = Client().get("/accounts/login/")
    assert b"University sign-in" in page.content
    assert b'action="/accounts/oidc/uni/login/' in page.content


def test_a_first_sign_in_makes_a_coach_of_the_practice(careers: Practice, idp: OIDCProvider) -> None:
    idp.sign_in_as(sub="u-1001", email="ruth.adviser@uni.example.ac.uk", name="Ruth Adviser")
    client = Client()

    response = sign_in_through(client, idp)

    assert on_coach_home(response)
    ruth = User.objects.get(email="ruth.adviser@uni.example.ac.uk")
    assert ruth.is_coach
    assert ruth.name == "Ruth Adviser"
    assert not ruth.has_usable_password()
    membership = Membership.objects.get(user=ruth)
    assert (membership.practice, membership.role) == (careers, Membership.Role.COACH)
    assert SocialAccount.objects.get(user=ruth).uid == "u-1001"
    assert idp.token_requests == 1

    # The second time: the same account, no new one.
    again = sign_in_through(Client(), idp)
    assert on_coach_home(again)
    assert User.objects.filter(email="ruth.adviser@uni.example.ac.uk").count() == 1


def test_an_existing_coach_with_the_same_verified_address_is_linked_not_duplicated(
    careers: Practice, idp: OIDCProvider
) -> None:
    sam = make_user("sam@uni.example.ac.uk", name="Sam Solo", is_coach=True)
    solo = practice_of(sam).practice  # a practice of one, as every coach has
    idp.sign_in_as(sub="u-2002", email="SAM@uni.example.ac.uk", name="Sam S.")

    assert on_coach_home(sign_in_through(Client(), idp))

    assert User.objects.filter(email__iexact="sam@uni.example.ac.uk").count() == 1
    assert SocialAccount.objects.get(uid="u-2002").user == sam
    assert Membership.objects.get(user=sam).practice == careers
    assert not Practice.objects.filter(pk=solo.pk).exists()


def test_an_address_outside_the_practices_domains_is_refused(careers: Practice, idp: OIDCProvider) -> None:
    idp.sign_in_as(sub="u-3003", email="someone@gmail.example.com")

    response = sign_in_through(Client(), idp)

    assert response.status_code == 403
    assert b"is not an address of Careers Service" in response.content
    assert not User.objects.filter(email="someone@gmail.example.com").exists()
    assert "_auth_user_id" not in response.client.session


def test_a_clients_account_is_never_signed_in_through_it(careers: Practice, idp: OIDCProvider) -> None:
    coach = make_user("kim@uni.example.ac.uk", is_coach=True)
    student = make_user("student@uni.example.ac.uk", name="Stu Dent")
    make_engagement(coach, student)
    idp.sign_in_as(sub="u-4004", email="student@uni.example.ac.uk")

    response = sign_in_through(Client(), idp)

    assert response.status_code == 403
    assert b"client" in response.content
    assert not SocialAccount.objects.exists()
    assert not Membership.objects.filter(user=student).exists()
    assert "_auth_user_id" not in response.client.session


def test_a_coach_of_another_practice_is_not_taken_over(
    careers: Practice, idp: OIDCProvider, alice: User, frank: User
) -> None:
    """frank coaches in alice's practice of two: the careers service's provider does not move him."""
    frank.email = "frank@uni.example.ac.uk"
    frank.save()
    EmailAddress.objects.filter(user=frank).update(email="frank@uni.example.ac.uk")
    idp.sign_in_as(sub="u-5005", email="frank@uni.example.ac.uk")

    response = sign_in_through(Client(), idp)

    assert response.status_code == 403
    assert Membership.objects.get(user=frank).practice == practice_of(alice).practice


def test_an_unconfirmed_local_address_is_not_linked(careers: Practice, idp: OIDCProvider) -> None:
    squatter = User.objects.create_user("lee@uni.example.ac.uk", PASSWORD, is_coach=True)
    idp.sign_in_as(sub="u-6006", email="lee@uni.example.ac.uk")

    response = sign_in_through(Client(), idp)

    assert response.status_code == 403
    assert not SocialAccount.objects.filter(user=squatter).exists()


def test_a_provider_tied_to_no_practice_signs_nobody_in(db: Any, idp: OIDCProvider) -> None:
    SocialApp.objects.create(
        provider="openid_connect", provider_id="uni", name="Stray", client_id=idp.client_id,
        secret=idp.client_secret, settings={"server_url": idp.url},
    )  # fmt: skip
    idp.sign_in_as(sub="u-7007", email="x@uni.example.ac.uk")

    response = sign_in_through(Client(), idp)

    assert response.status_code == 403
    assert not User.objects.exists()


def test_sso_only_refuses_a_password_sign_in_of_the_practices_coach(careers: Practice, idp: OIDCProvider) -> None:
    idp.sign_in_as(sub="u-8008", email="ruth@uni.example.ac.uk")
    assert on_coach_home(sign_in_through(Client(), idp))
    ruth = User.objects.get(email="ruth@uni.example.ac.uk")
    ruth.set_password(PASSWORD)  # say a password was set before the practice went SSO-only
    ruth.save()
    careers.password_sign_in = False
    careers.save()

    client = Client()
    response = client.post("/accounts/login/", {"login": "ruth@uni.example.ac.uk", "password": PASSWORD})

    assert response.status_code == 403
    assert b"through its identity provider only" in response.content
    assert "_auth_user_id" not in client.session
    # Through the provider, the same coach still signs in.
    assert on_coach_home(sign_in_through(client, idp))


def test_sso_only_leaves_clients_and_other_practices_their_password(careers: Practice, alice: User, bob: User) -> None:
    careers.password_sign_in = False
    careers.save()
    for person in (alice, bob):
        client = Client()
        response = client.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
        assert response.status_code == 302, person
        assert client.session["_auth_user_id"] == str(person.pk)


def providers_from_environment(**variables: str) -> dict[str, Any]:
    """settings.SOCIALACCOUNT_PROVIDERS as legwork/settings.py builds it from these variables (in a fresh process)."""
    env = {**os.environ, **variables, "DJANGO_SETTINGS_MODULE": "legwork.settings"}
    code = "import json; from django.conf import settings; print(json.dumps(settings.SOCIALACCOUNT_PROVIDERS))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    providers: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return providers


def test_the_environment_variables_configure_the_provider(settings: Any, db: Any, idp: OIDCProvider) -> None:
    """SSO_OIDC_* alone, no admin: the provider is listed, tied to the practice they name, and signs its coach in."""
    practice = Practice.objects.create(name="Careers by env")
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_environment(
        SSO_OIDC_SERVER_URL=idp.url,
        SSO_OIDC_CLIENT_ID=idp.client_id,
        SSO_OIDC_SECRET=idp.client_secret,
        SSO_OIDC_NAME="Staff sign-in",
        SSO_OIDC_PRACTICE=str(practice.pk),
        SSO_OIDC_DOMAINS="staff.example.ac.uk, uni.example.ac.uk",
    )
    app = get_adapter().get_app(None, "oidc")
    assert (app.provider, app.client_id, app.secret) == ("openid_connect", idp.client_id, idp.client_secret)
    assert app.settings["domains"] == ["staff.example.ac.uk", "uni.example.ac.uk"]
    assert b"Staff sign-in" in Client().get("/accounts/login/").content

    idp.sign_in_as(sub="env-1", email="pat@staff.example.ac.uk", name="Pat")
    assert on_coach_home(sign_in_through(Client(), idp, "/accounts/oidc/oidc/login/"))
    assert Membership.objects.get(user__email="pat@staff.example.ac.uk").practice == practice

    idp.sign_in_as(sub="env-2", email="pat@elsewhere.example.com")
    assert sign_in_through(Client(), idp, "/accounts/oidc/oidc/login/").status_code == 403


def test_a_practice_admin_turns_password_sign_in_off_only_once_a_provider_is_tied(
    alice: User, careers: Practice
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
    Membership.objects.create(practice=careers, user=owner, role=Membership.Role.OWNER)
    client.force_login(owner)
    saved = client.post(
        "/practice/settings/", {"name": careers.name, "sso_domains": careers.sso_domains, "sso_provider": "other"}
    )
    assert saved.status_code == 302
    careers.refresh_from_db()
    assert not careers.password_sign_in
    assert careers.sso_provider == "uni"  # only the site's staff tie a provider to a practice
