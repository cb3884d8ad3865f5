from __future__ import annotations

import pytest
from django.test import Client

from legwork.accounts.models import User
from legwork.api.models import ApiToken


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_person_makes_a_token_shown_once(bob: User) -> None:
    client = signed_in(bob)
    response = client.post("/api-tokens/", {"name": "phone"})
    token = ApiToken.objects.get(user=bob)
    page = response.content.decode()
    assert token.hint in page
    assert 'value="lw_' in page
    assert 'value="lw_' not in client.get("/api-tokens/").content.decode()


def test_a_nameless_token_re_renders_with_the_error_beside_the_field(bob: User) -> None:
    response = signed_in(bob).post("/api-tokens/", {"name": "x" * 101})
    assert response.status_code == 400
    assert "x" * 100 in response.content.decode()
    assert "has-error" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_another_person_cannot_revoke_my_token(bob: User, dan: User) -> None:
    api_token, _ = ApiToken.issue(user=bob, name="phone")
    assert signed_in(dan).post(f"/api-tokens/{api_token.pk}/revoke/").status_code == 404
    api_token.refresh_from_db()
    assert api_token.revoked_at is None
    assert signed_in(bob).post(f"/api-tokens/{api_token.pk}/revoke/").status_code == 302
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None


@pytest.mark.django_db
def test_the_tokens_page_needs_a_sign_in() -> None:
    assert Client().get("/api-tokens/").status_code == 302
