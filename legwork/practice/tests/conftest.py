"""The single sign-on tests' set-up, once: the identity providers they start on a loopback port
(sso_idp.py), the careers service each is tied to, and the ways through them and back."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.test import Client

from legwork.practice.models import Practice

from .sso_idp import OIDCProvider, SAMLIdP

BASE_DIR = Path(__file__).resolve().parents[3]


@pytest.fixture
def oidc_idp() -> Iterator[OIDCProvider]:
    provider = OIDCProvider(client_id="legwork-test", client_secret="s3cret-for-tests")
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def careers_oidc(db: Any, oidc_idp: OIDCProvider) -> Practice:
    """A careers service whose identity provider is set up in the admin: a SocialApp, named on the practice."""
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="uni",
        name="University sign-in",
        client_id=oidc_idp.client_id,
        secret=oidc_idp.client_secret,
        settings={"server_url": oidc_idp.url, "oauth_pkce_enabled": True},
    )
    return Practice.objects.create(name="Careers Service", sso_provider="uni", sso_domains="uni.example.ac.uk")


def oidc_sign_in(client: Client, idp: OIDCProvider, login_path: str = "/accounts/oidc/uni/login/") -> Any:
    """Press the sign-in button, pass the provider, come back; the response after following redirects."""
    start = client.post(login_path)
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(f"{idp.url}/authorize?")
    at_idp = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert at_idp.status_code == 302, at_idp.text
    back = urlsplit(at_idp.headers["Location"])
    assert back.netloc == "testserver"
    return client.get(f"{back.path}?{back.query}", follow=True)


@pytest.fixture
def saml_idp(tmp_path: Path) -> Iterator[SAMLIdP]:
    provider = SAMLIdP(tmp_path)
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def careers_saml(db: Any, saml_idp: SAMLIdP) -> Practice:
    """A careers service whose SAML IdP is a SocialApp made in the admin, and whose IdP trusts Legwork's metadata."""
    SocialApp.objects.create(
        provider="saml",
        provider_id="uni-saml",
        client_id="uni",
        name="University (SAML)",
        settings={
            "idp": {"entity_id": saml_idp.entity_id, "sso_url": saml_idp.sso_url, "x509cert": saml_idp.x509cert},
            "advanced": {"want_assertion_signed": True, "strict": True},
            "attribute_mapping": {
                "email": ["urn:oid:0.9.2342.19200300.100.1.3", "mail"],
                "name": ["urn:oid:2.16.840.1.113730.3.1.241", "displayName"],
            },
        },
    )
    metadata = Client(HTTP_HOST="localhost").get("/accounts/saml/uni/metadata/")
    assert metadata.status_code == 200
    saml_idp.trust(metadata.content.decode())
    return Practice.objects.create(name="Careers Service", sso_provider="uni-saml", sso_domains="uni.example.ac.uk")


def saml_response_fields(form: str) -> dict[str, str]:
    """The SAMLResponse (and RelayState) of the IdP's auto-posting form."""
    return {
        name: unescape(value) for name, value in re.findall(r'name="(SAMLResponse|RelayState)"\s+value="([^"]*)"', form)
    }


def saml_sign_in(client: Client, idp: SAMLIdP) -> Any:
    start = client.post("/accounts/saml/uni/login/")
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(f"{idp.sso_url}?SAMLRequest=")
    at_idp = requests.get(start["Location"], timeout=30)
    assert at_idp.status_code == 200, at_idp.text
    form = at_idp.text
    action = unescape(re.search(r'action="([^"]+)"', form).group(1))  # type: ignore[union-attr]
    fields = saml_response_fields(form)
    assert "SAMLResponse" in fields
    assert urlsplit(action).path == "/accounts/saml/uni/acs/"
    return client.post(urlsplit(action).path, fields, follow=True)


def on_coach_home(response: Any) -> bool:
    home = response.status_code == 200 and response.request["PATH_INFO"] == "/"
    return home and b"<h1>Your practice</h1>" in response.content


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
