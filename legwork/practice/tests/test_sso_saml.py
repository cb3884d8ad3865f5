"""Single sign-on through SAML 2.0, end to end against an identity provider the test starts (sso_idp.SAMLIdP, pysaml2).

Legwork's button sends an AuthnRequest to the IdP (HTTP-Redirect); the IdP answers with a Response
and an assertion both signed with its own key, made at test time, posted back to Legwork's
assertion consumer service (HTTP-POST), which checks the signature against the IdP's certificate.
"""

from __future__ import annotations

import base64
import re
import shutil
from html import unescape
from typing import Any

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.test import Client

from conftest import PASSWORD
from legwork.accounts.models import User
from legwork.practice.models import Membership, Practice

from .conftest import on_coach_home, providers_from_environment, saml_response_fields, saml_sign_in
from .sso_idp import SAMLIdP

pytestmark = pytest.mark.skipif(
    shutil.which("xmlsec1") is None, reason="pysaml2 signs with Debian's xmlsec1: apt-get install xmlsec1"
)


def test_a_first_saml_sign_in_makes_a_coach_of_the_practice(careers_saml: Practice, saml_idp: SAMLIdP) -> None:
    saml_idp.sign_in_as(uid="staff-42", email="nell.adviser@uni.example.ac.uk", name="Nell Adviser")
    client = Client(HTTP_HOST="localhost")

    response = saml_sign_in(client, saml_idp)

    assert on_coach_home(response), response.content[:2000]
    nell = User.objects.get(email="nell.adviser@uni.example.ac.uk")
    assert nell.is_coach
    assert nell.name == "Nell Adviser"
    assert Membership.objects.get(user=nell).practice == careers_saml
    assert SocialAccount.objects.get(user=nell).provider == "uni-saml"

    assert on_coach_home(saml_sign_in(Client(HTTP_HOST="localhost"), saml_idp))
    assert User.objects.filter(email="nell.adviser@uni.example.ac.uk").count() == 1


def test_a_saml_address_outside_the_domains_is_refused(careers_saml: Practice, saml_idp: SAMLIdP) -> None:
    saml_idp.sign_in_as(uid="staff-43", email="visitor@elsewhere.example.com")

    response = saml_sign_in(Client(HTTP_HOST="localhost"), saml_idp)

    assert response.status_code == 403
    assert not User.objects.filter(email="visitor@elsewhere.example.com").exists()


def test_sso_only_refuses_the_password_and_saml_still_signs_in(careers_saml: Practice, saml_idp: SAMLIdP) -> None:
    saml_idp.sign_in_as(uid="staff-44", email="omar@uni.example.ac.uk")
    assert on_coach_home(saml_sign_in(Client(HTTP_HOST="localhost"), saml_idp))
    omar = User.objects.get(email="omar@uni.example.ac.uk")
    omar.set_password(PASSWORD)
    omar.save()
    careers_saml.password_sign_in = False
    careers_saml.save()

    client = Client(HTTP_HOST="localhost")
    refused = client.post("/accounts/login/", {"login": omar.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert "_auth_user_id" not in client.session
    assert on_coach_home(saml_sign_in(client, saml_idp))


def test_a_tampered_assertion_signs_nobody_in(careers_saml: Practice, saml_idp: SAMLIdP) -> None:
    saml_idp.sign_in_as(uid="staff-45", email="tess@uni.example.ac.uk")
    client = Client(HTTP_HOST="localhost")
    start = client.post("/accounts/saml/uni/login/")
    form = requests.get(start["Location"], timeout=30).text
    raw = re.search(r'name="SAMLResponse"\s+value="([^"]*)"', form).group(1)  # type: ignore[union-attr]
    xml = base64.b64decode(unescape(raw)).replace(b"tess@uni.example.ac.uk", b"boss@uni.example.ac.uk")
    response = client.post("/accounts/saml/uni/acs/", {"SAMLResponse": base64.b64encode(xml).decode()}, follow=True)

    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(email__in=["tess@uni.example.ac.uk", "boss@uni.example.ac.uk"]).exists()
    assert response.request["PATH_INFO"] != "/"


def test_the_environment_variables_configure_the_saml_provider(settings: Any, db: Any, saml_idp: SAMLIdP) -> None:
    """SSO_SAML_* alone, no admin: settings.py's provider (its attribute names, signed assertions) signs a coach in."""
    practice = Practice.objects.create(name="Careers by env")
    settings.SOCIALACCOUNT_PROVIDERS = providers_from_environment(
        SSO_SAML_IDP_ENTITY_ID=saml_idp.entity_id,
        SSO_SAML_IDP_SSO_URL=saml_idp.sso_url,
        SSO_SAML_IDP_X509_CERT=saml_idp.x509cert,
        SSO_SAML_NAME="Staff SAML",
        SSO_SAML_PRACTICE=str(practice.pk),
        SSO_SAML_DOMAINS="staff.example.ac.uk",
    )
    client = Client(HTTP_HOST="localhost")
    assert b"Staff SAML" in client.get("/accounts/login/").content
    saml_idp.trust(client.get("/accounts/saml/saml/metadata/").content.decode())
    saml_idp.sign_in_as(uid="env-9", email="ray@staff.example.ac.uk", name="Ray Staff")

    start = client.post("/accounts/saml/saml/login/")
    form = requests.get(start["Location"], timeout=30).text
    response = client.post("/accounts/saml/saml/acs/", saml_response_fields(form), follow=True)

    assert on_coach_home(response)
    ray = User.objects.get(email="ray@staff.example.ac.uk")
    assert ray.name == "Ray Staff"
    assert Membership.objects.get(user=ray).practice == practice
