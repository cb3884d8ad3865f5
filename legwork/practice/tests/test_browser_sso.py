"""Single sign-on in a real browser: a careers adviser presses the practice's button on Legwork's sign-in
page, signs in on the OpenID Connect provider's own page (the loopback provider the SSO tests start),
and arrives home as a coach of the careers service; with password sign-in turned off, her password is
refused with a pointer to the button, and the button still signs her in. Through SAML 2.0 the same:
the browser carries the request to the identity provider and its signed answer back (HTTP-POST)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from conftest import PASSWORD
from legwork.accounts.models import User
from legwork.practice.models import Membership, Practice

from .sso_idp import OIDCProvider, SAMLIdP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def oidc_idp() -> Iterator[OIDCProvider]:
    """The provider, asking for the address and password on its own page, as a university's does."""
    provider = OIDCProvider(client_id="legwork-test", client_secret="s3cret-for-tests", sign_in_page=True)
    provider.start()
    yield provider
    provider.stop()


def through_the_provider(tab: Any, idp: OIDCProvider, email: str) -> None:
    """From Legwork's sign-in page: the practice's button, the provider's page, and back."""
    tab.page.get_by_role("button", name="University sign-in").click()
    tab.page.wait_for_url(f"{idp.url}/authorize?*")
    assert tab.page.get_by_role("heading", name="Sign in to the University").is_visible()
    tab.page.get_by_label("University email").fill(email)
    tab.page.get_by_label("Password").fill("the university's, not Legwork's")
    tab.page.get_by_role("button", name="Sign in").click()
    tab.page.wait_for_load_state("networkidle")


def test_a_coach_signs_in_through_the_practices_provider_in_a_browser(
    open_browser: Any, careers_oidc: Practice, oidc_idp: OIDCProvider, live_server: Any
) -> None:
    oidc_idp.sign_in_as(sub="u-9009", email="ruth.adviser@uni.example.ac.uk", name="Ruth Adviser")
    tab = open_browser("sso-coach")
    tab.page.goto("/accounts/login/")
    tab.assert_accessible()

    through_the_provider(tab, oidc_idp, "ruth.adviser@uni.example.ac.uk")

    assert tab.page.url == f"{live_server.url}/"
    assert tab.page.get_by_role("heading", name="Your practice", exact=True).is_visible()
    assert oidc_idp.token_requests == 1  # Legwork itself fetched the tokens, over loopback
    ruth = User.objects.get(email="ruth.adviser@uni.example.ac.uk")
    assert (ruth.is_coach, ruth.name, ruth.has_usable_password()) == (True, "Ruth Adviser", False)
    assert Membership.objects.get(user=ruth).practice == careers_oidc
    tab.page.goto("/practice/")
    assert tab.page.get_by_text("Careers Service").first.is_visible()

    # The practice goes SSO-only: a password (set before, say) is refused, the button still works.
    ruth.set_password(PASSWORD)
    ruth.save()
    careers_oidc.password_sign_in = False
    careers_oidc.save()
    tab.context.clear_cookies()
    tab.page.goto("/accounts/login/")
    tab.page.fill("input[name=login]", ruth.email)
    tab.page.fill("input[name=password]", PASSWORD)
    tab.page.get_by_role("button", name="Sign in", exact=True).click()
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.get_by_role("alert").get_by_text("through its identity provider only").is_visible()
    tab.assert_accessible()
    tab.page.get_by_role("link", name="sign-in page").click()
    through_the_provider(tab, oidc_idp, "ruth.adviser@uni.example.ac.uk")
    assert tab.page.get_by_role("heading", name="Your practice", exact=True).is_visible()
    assert User.objects.filter(email="ruth.adviser@uni.example.ac.uk").count() == 1


@pytest.mark.skipif(
    shutil.which("xmlsec1") is None, reason="pysaml2 signs with Debian's xmlsec1: apt-get install xmlsec1"
)
def test_a_coach_signs_in_through_the_practices_saml_provider_in_a_browser(
    open_browser: Any, careers_saml: Practice, saml_idp: SAMLIdP, live_server: Any
) -> None:
    # The IdP trusts the metadata the live server publishes: its assertion consumer service is there.
    metadata = requests.get(f"{live_server.url}/accounts/saml/uni/metadata/", timeout=30)
    assert metadata.status_code == 200
    saml_idp.trust(metadata.text)
    saml_idp.sign_in_as(uid="staff-77", email="nell.adviser@uni.example.ac.uk", name="Nell Adviser")
    tab = open_browser("saml-coach")
    sent: list[tuple[str, str]] = []
    tab.page.on("request", lambda request: sent.append((request.method, request.url.split("?")[0])))
    tab.page.goto("/accounts/login/")

    tab.page.get_by_role("button", name="University (SAML)").click()
    tab.page.wait_for_url(f"{live_server.url}/")

    # The browser went to the IdP, and the IdP's page posted its signed answer back.
    assert ("GET", saml_idp.sso_url) in sent
    assert ("POST", f"{live_server.url}/accounts/saml/uni/acs/") in sent

    assert tab.page.get_by_role("heading", name="Your practice", exact=True).is_visible()
    tab.assert_accessible()
    nell = User.objects.get(email="nell.adviser@uni.example.ac.uk")
    assert (nell.is_coach, nell.name, nell.has_usable_password()) == (True, "Nell Adviser", False)
    assert Membership.objects.get(user=nell).practice == careers_saml

    # Signed out and in again: the same account, not a second one.
    tab.context.clear_cookies()
    tab.page.goto("/accounts/login/")
    tab.page.get_by_role("button", name="University (SAML)").click()
    tab.page.wait_for_url(f"{live_server.url}/")
    assert tab.page.get_by_role("heading", name="Your practice", exact=True).is_visible()
    assert User.objects.filter(email="nell.adviser@uni.example.ac.uk").count() == 1
