"""Sign-in limits count the real client (behind trusted proxies) and account with address."""

from __future__ import annotations

import subprocess
import sys
from html import unescape
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from conftest import PASSWORD, make_engagement
from legwork.accounts.models import User
from legwork.lib.client_ip import client_ip

STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"


def sign_in(person: str, password: str, **headers: Any) -> Any:
    return Client(**headers).post(reverse("account_login"), {"login": person, "password": password})


def fail_five_times(email: str, **headers: Any) -> None:
    codes = [sign_in(email, "wrong", **headers).status_code for _ in range(5)]
    assert codes == [200] * 5


@pytest.mark.django_db
def test_a_strangers_wrong_passwords_do_not_lock_the_owner_out(alice: User) -> None:
    fail_five_times(alice.email, REMOTE_ADDR=STRANGER)
    # The stranger is stopped, even with the right password...
    assert sign_in(alice.email, PASSWORD, REMOTE_ADDR=STRANGER).status_code == 429
    # ...and Alice, from her own address, signs in as ever.
    assert sign_in(alice.email, PASSWORD, REMOTE_ADDR=OWNER).status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_each_person_is_counted_at_their_own_address(alice: User, carol: User) -> None:
    # Every connection comes from the proxy on this machine, which says who it forwards for.
    stranger = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": STRANGER}
    for email in ["a@example.com", "b@example.com", carol.email, "c@example.com", "d@example.com"]:
        assert sign_in(email, "wrong", **stranger).status_code == 200
        assert sign_in(email, "wrong", **stranger).status_code == 200
    assert sign_in("e@example.com", "wrong", **stranger).status_code == 429  # ten a minute from one address
    owner = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": OWNER}
    assert sign_in(alice.email, PASSWORD, **owner).status_code == 302
    assert sign_in(carol.email, PASSWORD, **owner).status_code == 302


@pytest.mark.django_db
def test_a_forwarded_for_header_from_outside_the_proxies_is_not_believed(alice: User) -> None:
    for n in range(5):
        response = sign_in(alice.email, "wrong", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
        assert response.status_code == 200
    forged = sign_in(alice.email, PASSWORD, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert forged.status_code == 429


@pytest.mark.django_db
def test_a_locked_sign_in_answers_429_with_a_page_that_says_what_to_do(alice: User) -> None:
    fail_five_times(alice.email)
    response = sign_in(alice.email, PASSWORD)
    assert response.status_code == 429
    html = unescape(response.content.decode())
    assert "Too many tries: wait a few minutes" in html
    assert reverse("account_reset_password") in html
    assert response.templates[0].name == "429.html"


@pytest.mark.django_db
def test_a_right_password_does_not_wipe_the_count_of_wrong_ones(alice: User) -> None:
    for _ in range(4):
        assert sign_in(alice.email, "wrong").status_code == 200
    assert sign_in(alice.email, PASSWORD).status_code == 302
    assert sign_in(alice.email, "wrong").status_code == 200
    assert sign_in(alice.email, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_the_password_check_on_account_deletion_is_limited_too(alice: User, bob: User) -> None:
    make_engagement(alice, bob)
    guesser = Client(REMOTE_ADDR=STRANGER)
    guesser.force_login(bob)
    for _ in range(5):
        response = guesser.post(reverse("account_delete"), {"password": "wrong", "confirm": "DELETE"})
        assert response.status_code == 400
        assert "That isn't your password." in unescape(response.content.decode())
    response = guesser.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "DELETE"})
    assert response.status_code == 429
    assert User.objects.filter(pk=bob.pk).exists()
    # The same count as signing in: the guesser can't sign in as Bob from there either.
    assert sign_in(bob.email, PASSWORD, REMOTE_ADDR=STRANGER).status_code == 429
    # Bob himself, elsewhere, can still delete his account.
    owner = Client(REMOTE_ADDR=OWNER)
    owner.force_login(bob)
    assert owner.post(reverse("account_delete"), {"password": PASSWORD, "confirm": "DELETE"}).status_code == 302
    assert not User.objects.filter(pk=bob.pk).exists()


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("203.0.113.5", "", "203.0.113.5"),
        ("203.0.113.5", "192.0.2.1", "203.0.113.5"),  # not from a proxy: the header is ignored
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "192.0.2.1", "192.0.2.1"),
        ("127.0.0.1", "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # the left part is the client's own writing
        ("127.0.0.1", "192.0.2.1, 10.0.0.2", "192.0.2.1"),  # through two trusted proxies
        ("10.0.0.2", "192.0.2.1", "192.0.2.1"),
        ("10.0.0.2", "192.0.2.1:51234", "192.0.2.1"),
        ("10.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
        ("10.0.0.2", "::ffff:192.0.2.1", "192.0.2.1"),
        ("10.0.0.2", "unknown", "10.0.0.2"),  # unreadable: stop at the last hop we know
        ("", "192.0.2.1", "192.0.2.1"),  # a Unix socket: the proxy is on this machine
        ("::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_it_finds_the_client_behind_trusted_proxies(settings: Any, remote: str, forwarded: str, expected: str) -> None:
    from legwork.settings import env_networks

    settings.TRUSTED_PROXIES = env_networks("NOT_SET", ["127.0.0.1", "::1", "10.0.0.0/8"])
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _settings_value(expression: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = f"import legwork.settings as s; print({expression})"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", **env}, check=False
    )


def test_trusted_proxies_come_from_the_environment_and_bad_values_are_refused(tmp_path: Any) -> None:
    var = {"LEGWORK_VAR_DIR": str(tmp_path)}
    default = _settings_value("[str(n) for n in s.TRUSTED_PROXIES]", **var)
    assert default.stdout.strip() == "['127.0.0.1/32', '::1/128']", default.stderr
    chosen = _settings_value("[str(n) for n in s.TRUSTED_PROXIES]", TRUSTED_PROXIES="10.1.0.0/16, 192.0.2.4", **var)
    assert chosen.stdout.strip() == "['10.1.0.0/16', '192.0.2.4/32']", chosen.stderr
    bad = _settings_value("s.TRUSTED_PROXIES", TRUSTED_PROXIES="10.1.0.0/16,nginx", **var)
    assert bad.returncode != 0
    assert "TRUSTED_PROXIES: 'nginx' is not an IP address or network" in bad.stderr
