"""Legwork behind Caddy, as docs/deploy.md sets it up: the documented environment and Caddyfile, for real.

gunicorn serves Legwork with deploy/legwork.env.example's settings; Debian's caddy serves deploy/Caddyfile
on loopback with its internal certificate authority; the test trusts that CA alone and checks HTTPS, HSTS,
secure cookies and the redirect from plain HTTP.
"""

from __future__ import annotations

import http.client
import os
import shutil
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from legwork.lib.testing import free_port

ROOT = Path(__file__).resolve().parents[3]
ENV_FILE = ROOT / "deploy" / "legwork.env.example"


def production_env(**overrides: str) -> dict[str, str]:
    """The documented production environment (deploy/legwork.env.example), on top of a bare PATH."""
    env = {"PATH": os.environ["PATH"], "PYTHONUNBUFFERED": "1"}
    for line in ENV_FILE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    return {**env, **overrides}


def test_check_deploy_has_no_warnings_with_the_documented_environment() -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def wait_for(url_check: object, what: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        assert process.poll() is None, f"{what} exited: {process.stdout.read().decode() if process.stdout else ''}"
        try:
            if callable(url_check) and url_check():
                return
        except OSError:
            pass
        time.sleep(0.2)  # waiting for a server to listen, not for a result
    raise AssertionError(f"{what} did not start")


def listening(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("HEAD", "/health/web/")
        return conn.getresponse().status > 0
    finally:
        conn.close()


@pytest.fixture
def behind_caddy(tmp_path: Path) -> Iterator[tuple[int, int, Path]]:
    """(https port, http port, the internal CA's root certificate) of Legwork served through Caddy."""
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (apt-get install caddy; Makefile's DEBIAN_PACKAGES)")
    web, https, plain = free_port(), free_port(), free_port()
    env = production_env(
        ALLOWED_HOSTS="localhost",
        SITE_ROOT=f"https://localhost:{https}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'legwork.sqlite3'}",
        LEGWORK_VAR_DIR=str(tmp_path / "var"),
        EMAIL_HOST="",
        WEB_BIND=f"127.0.0.1:{web}",
        WEB_CONCURRENCY="2",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "legwork.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # The documented Caddyfile, imported under test-only global options: loopback ports, its own storage.
    config = tmp_path / "Caddyfile"
    config.write_text(
        "{\n\tadmin off\n\tskip_install_trust\n"
        f"\thttp_port {plain}\n\thttps_port {https}\n\tstorage file_system {tmp_path / 'caddy'}\n}}\n"
        f"import {ROOT / 'deploy' / 'Caddyfile'}\n"
    )
    caddy_env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "LEGWORK_DOMAIN": "localhost",
        "LEGWORK_TLS": "tls internal",
        "LEGWORK_UPSTREAM": f"127.0.0.1:{web}",
    }
    proxy = subprocess.Popen(
        [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
        env=caddy_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    root = tmp_path / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    try:
        wait_for(lambda: listening(web), "gunicorn", gunicorn)
        wait_for(root.exists, "caddy", proxy)
        yield https, plain, root
    finally:
        for process in (proxy, gunicorn):
            process.terminate()
            process.wait(timeout=30)


def test_it_serves_https_with_hsts_and_secure_cookies_through_caddy(behind_caddy: tuple[int, int, Path]) -> None:
    https, plain, root = behind_caddy
    context = ssl.create_default_context(cafile=str(root))  # Caddy's internal CA and nothing else

    def get(path: str) -> http.client.HTTPResponse:
        conn = http.client.HTTPSConnection("localhost", https, context=context, timeout=10)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        return response

    give_up = time.monotonic() + 30
    while True:  # Caddy issues its certificate just after it starts
        try:
            response = get("/accounts/login/")
            break
        except (ssl.SSLError, ConnectionError):
            if time.monotonic() > give_up:
                raise
            time.sleep(0.2)
    assert response.status == 200
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    cookies = response.headers.get_all("Set-Cookie") or []
    assert any(cookie.startswith("csrftoken=") for cookie in cookies), cookies
    for cookie in cookies:
        assert "; Secure" in cookie, cookie
    # The page knew it was served over HTTPS (X-Forwarded-Proto): its links and forms stay on https.
    assert get("/health/web/").status == 200

    # Plain HTTP is sent to HTTPS (by Caddy, before Legwork sees it).
    conn = http.client.HTTPConnection("localhost", plain, timeout=10)
    conn.request("GET", "/accounts/login/")
    redirect = conn.getresponse()
    conn.close()
    assert redirect.status in {301, 308}
    assert redirect.getheader("Location", "").startswith("https://localhost")

    # A certificate no one vouches for is refused: the test trusts only Caddy's CA, not the system's.
    stranger = http.client.HTTPSConnection("localhost", https, context=ssl.create_default_context(), timeout=10)
    with pytest.raises(ssl.SSLCertVerificationError):
        stranger.request("GET", "/")
    stranger.close()
