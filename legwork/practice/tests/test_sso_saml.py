"""Single sign-on through SAML 2.0, end to end against an identity provider the test starts (sso_idp.SAMLIdP, pysaml2).

Legwork's button sends an AuthnRequest to the IdP (HTTP-Redirect); the IdP answers with a Response
and an assertion both signed with its own key, made at test time, posted back to Legwork's
assertion consumer service (HTTP-POST), which checks the signature against the IdP's certificate.
"""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.test import Client

from conftest import PASSWORD
from legwork.accounts.models import User
from legwork.practice.models import Membership, Practice

from .sso_idp import SAMLIdP

pytestmark = pytest.mark.skipif(
    shutil.which("xmlsec1") is None, reason="pysaml2 signs with Debian's xmlsec1: apt-get install xmlsec1"
)


@pytest.fixture
def idp(tmp_path: Path) -> Iterator[SAMLIdP]:
    provider = SAMLIdP(tmp_path)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def careers(db: Any, idp: SAMLIdP) -> Practice:
    """A careers service whose SAML IdP is a SocialApp made in the admin, and whose IdP trusts Legwork's metadata."""
    SocialApp.objects.create(
        provider="saml",
        provider_id="uni-saml",
        client_id="uni",
        name="University (SAML)",
        settings={
            "idp": {"entity_id": idp.entity_id, "sso_url": idp.sso_url, "x509cert": idp.x509cert},
            "advanced": {"want_assertion_signed": True, "strict": True},
            "attribute_mapping": {
                "email": ["urn:oid:0.9.2342.19200300.100.1.3", "mail"],
                "name": ["urn:oid:2.16.840.1.113730.3.1.241", "displayName"],
            },
        },
    )
    metadata = Client(HTTP_HOST="localhost").get("/accounts/saml/uni/metadata/")
    assert metadata.status_code == 200
    idp.trust(metadata.content.decode())
    return Practice.objects.create(name="Careers Service", sso_provider="uni-saml", sso_domains="uni.example.ac.uk")


def sign_in_through(client: Client, idp: SAMLIdP) -> Any:
    start = client.post("/accounts/saml/uni/login/")
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(f"{idp.sso_url}?SAMLRequest=")
    at_idp = requests.get(start["Location"], timeout=30)
    assert at_idp.status_code == 200, at_idp.text
    form = at_idp.text
    action = unescape(re.search(r'action="([^"]+)"', form).group(1))  # type: ignore[union-attr]
    fields = {
        name: unescape(value) for name, value in re.findall(r'name="(SAMLResponse|RelayState)"\s+value="([^"]*)"', form)
    }
    assert "SAMLResponse" in fields
    assert urlsplit(action).path == "/accounts/saml/uni/acs/"
    return client.post(urlsplit(action).path, fields, follow=True)


def on_coach_home(response: Any) -> bool:
    home = response.status_code == 200 and response.request["PATH_INFO"] == "/"
    return home and b"<h1>Your practice</h1>" in response.content


def test_a_first_saml_sign_in_makes_a_coach_of_the_practice(careers: Practice, idp: SAMLIdP) -> None:
    idp.sign_in_as(uid="staff-42", email="nell.adviser@uni.example.ac.uk", name="Nell Adviser")
    client = Client(HTTP_HOST="localhost")

    response = sign_in_through(client, idp)

    assert on_coach_home(response), response.content[:2000]
    nell = User.objects.get(email="nell.adviser@uni.example.ac.uk")
    assert nell.is_coach
    assert nell.name == "Nell Adviser"
    assert Membership.objects.get(user=nell).practice == careers
    assert SocialAccount.objects.get(user=nell).provider == "uni-saml"

    assert on_coach_home(sign_in_through(Client(HTTP_HOST="localhost"), idp))
    assert User.objects.filter(email="nell.adviser@uni.example.ac.uk").count() == 1


def test_a_saml_address_outside_the_domains_is_refused(careers: Practice, idp: SAMLIdP) -> None:
    idp.sign_in_as(uid="staff-43", email="visitor@elsewhere.example.com")

    response = sign_in_through(Client(HTTP_HOST="localhost"), idp)

    assert response.status_code == 403
    assert not User.objects.filter(email="visitor@elsewhere.example.com").exists()


def test_sso_only_refuses_the_password_and_saml_still_signs_in(careers: Practice, idp: SAMLIdP) -> None:
    idp.sign_in_as(uid="staff-44", email="omar@uni.example.ac.uk")
    assert on_coach_home(sign_in_through(Client(HTTP_HOST="localhost"), idp))
    omar = User.objects.get(email="omar@uni.example.ac.uk")
    omar.set_password(PASSWORD)
    omar.save()
    careers.password_sign_in = False
    careers.save()

    client = Client(HTTP_HOST="localhost")
    refused = client.post("/accounts/login/", {"login": omar.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session
    assert on_coach_home(sign_in_through(client, idp))


def test_a_tampered_assertion_signs_nobody_in(careers: Practice, idp: SAMLIdP) -> None:
    idp.sign_in_as(uid="staff-45", email="tess@uni.example.ac.uk")
    client = Client(HTTP_HOST="localhost")
    start = client.post("/accounts/saml/uni/login/")
    form = requests.get(start["Location"], timeout=30).text
    raw = re.search(r'name="SAMLResponse"\s+value="([^"]*)"', form).group(1)  # type: ignore[union-attr]
    xml = base64.b64decode(unescape(raw)).replace(b"tess@uni.example.ac.uk", b"boss@uni.example.ac.uk")
    response = client.post("/accounts/saml/uni/acs/", {"SAMLResponse": base64.b64encode(xml).decode()}, follow=True)

    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email__in=["tess@uni.example.ac.uk", "boss@uni.example.ac.uk"]).exists()
    assert response.request["PATH_INFO"] != "/"


def test_the_environment_variables_configure_the_saml_provider(settings: Any, db: Any, idp: SAMLIdP) -> None:
    """SSO_SAML_* alone, no admin: settings.py's provider (its attribute names, signed assertions) signs a coach in."""
    from .test_sso_oidc import providers_from_environment

    practice = Practice.objects.create(name="Careers by env")
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_environment(
        SSO_SAML_IDP_ENTITY_ID=idp.entity_id,
        SSO_SAML_IDP_SSO_URL=idp.sso_url,
        SSO_SAML_IDP_X509_CERT=idp.x509cert,
        SSO_SAML_NAME="Staff SAML",
        SSO_SAML_PRACTICE=str(practice.pk),
        SSO_SAML_DOMAINS="staff.example.ac.uk",
    )
    client = Client(HTTP_HOST="localhost")
    assert b"Staff SAML" in client.get("/accounts/login/").content
    idp.trust(client.get("/accounts/saml/saml/metadata/").content.decode())
    idp.sign_in_as(uid="env-9", email="ray@staff.example.ac.uk", name="Ray Staff")

    start = client.post("/accounts/saml/saml/login/")
    form = requests.get(start["Location"], timeout=30).text
    fields = {
        name: unescape(value) for name, value in re.findall(r'name="(SAMLResponse|RelayState)"\s+value="([^"]*)"', form)
    }
    response = client.post("/accounts/saml/saml/acs/", fields, follow=True)

    assert on_coach_home(response)
    ray = User.objects.get(email="ray@staff.example.ac.uk")
    assert ray.name == "Ray Staff"
    assert Membership.objects.get(user=ray).practice == practice
