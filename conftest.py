"""Shared test fixtures: the personas and the real parts (SMTP server, browser).

Personas: coach alice with her client bob; coach carol with her client dan;
and a stranger, eve, who is nobody's coach or client. Alice owns her practice (every coach
is a practice of one); olive is an admin of alice's practice and frank a second coach of it:
neither coaches bob, so neither may see anything of his.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, ProgressEntry

PASSWORD = "correct horse battery staple"
BENCH_DIR = Path(__file__).resolve().parent / "legwork" / "bench"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """The bench app exists only under its own settings: its tests run there (`make test` runs both)."""
    from django.apps import apps

    if collection_path.is_relative_to(BENCH_DIR) and not apps.is_installed("legwork.bench"):
        return True
    return None


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_user(email: str, *, name: str = "", is_coach: bool = False, tz: str = "Europe/London") -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(
        email, PASSWORD, name=name or email.split("@")[0].title(), is_coach=is_coach, timezone=tz
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_engagement(coach: User, client: User, **kwargs: Any) -> Engagement:
    return Engagement.objects.create(coach=coach, client=client, **kwargs)


def make_session(engagement: Engagement, *, at: dt.datetime | None = None, **kwargs: Any) -> Session:
    return Session.objects.create(
        engagement=engagement, scheduled_at=at or timezone.now() + dt.timedelta(days=7), **kwargs
    )


def make_homework(engagement: Engagement, title: str = "Send the application to Acme", **kwargs: Any) -> Homework:
    kwargs.setdefault("due_on", timezone.localdate() + dt.timedelta(days=7))
    kwargs.setdefault("created_by", engagement.coach)
    return Homework.objects.create(engagement=engagement, title=title, **kwargs)


def make_progress(homework: Homework, **kwargs: Any) -> ProgressEntry:
    kwargs.setdefault("occurred_on", timezone.localdate())
    kwargs.setdefault("author", homework.engagement.client)
    return ProgressEntry.objects.create(homework=homework, **kwargs)


@pytest.fixture
def alice(db: Any) -> User:
    return make_user("alice@example.com", name="Alice Coach", is_coach=True)


@pytest.fixture
def bob(db: Any) -> User:
    return make_user("bob@example.com", name="Bob Client")


@pytest.fixture
def carol(db: Any) -> User:
    return make_user("carol@example.com", name="Carol Coach", is_coach=True)


@pytest.fixture
def dan(db: Any) -> User:
    return make_user("dan@example.com", name="Dan Client")


@pytest.fixture
def eve(db: Any) -> User:
    return make_user("eve@example.com", name="Eve Stranger")


def join_practice(coach: User, user: User, role: str = "coach") -> User:
    """Make `user` a coach (or admin) of `coach`'s practice."""
    from legwork.practice.models import Membership
    from legwork.practice.services import practice_of

    Membership.objects.create(practice=practice_of(coach).practice, user=user, role=role)
    return user


@pytest.fixture
def olive(alice: User) -> User:
    """An admin of alice's practice, who coaches none of alice's clients."""
    return join_practice(alice, make_user("olive@example.com", name="Olive Admin", is_coach=True), "admin")


@pytest.fixture
def frank(alice: User) -> User:
    """A second coach of alice's practice."""
    return join_practice(alice, make_user("frank@example.com", name="Frank Coach", is_coach=True))


@pytest.fixture
def alice_bob(alice: User, bob: User) -> Engagement:
    return make_engagement(alice, bob)


@pytest.fixture
def carol_dan(carol: User, dan: User) -> Engagement:
    return make_engagement(carol, dan)


@pytest.fixture
def smtp_server() -> Any:
    """A real SMTP server on a free loopback port that keeps what it receives."""
    from legwork.lib.testing import SMTPSink

    sink = SMTPSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_settings(settings: Any, smtp_server: Any) -> Any:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 5},
        }
    }
    settings.SMTP_TIMEOUT = 5
    return smtp_server


# --- Browser tests: Playwright driving Debian's Chromium -------------------------------

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Any:
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium for the browser tests: apt-get install chromium")
        pytest.skip("Browser tests skipped: chromium not found (apt-get install chromium, or set CHROMIUM=/path)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# Every page reports what its Content-Security-Policy blocked; injected by the browser, not the page.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__legworkCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || location.pathname}:${event.lineNumber} (${event.sample || ""})`);
});
"""


class BrowserSession:
    """One person's browser tab against the live server, recording any dialog (a sign of script injection)
    and anything the Content-Security-Policy blocked (a sign of an inline script or style without a nonce)."""

    def __init__(self, browser: Any, base_url: str, name: str) -> None:
        self.context = browser.new_context(base_url=base_url, viewport={"width": 1200, "height": 900})
        self.csp_violations: list[str] = []
        self.context.expose_function("__legworkCspViolation", self._on_csp_violation)
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.name = name
        self.dialogs: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("console", self._on_console)
        self.page.set_default_timeout(10_000)

    def _on_csp_violation(self, report: str) -> None:
        self.csp_violations.append(report)

    def _on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("input[name=login]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def screenshot(self, label: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / "screenshots" / f"{self.name}-{label}.png"
        path.parent.mkdir(exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_accessible(self) -> None:
        """No serious or critical axe-core violations on the current page."""
        from axe_playwright_python.sync_playwright import Axe

        results = Axe().run(self.page)
        bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
        assert not bad, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_browser(browser: Any, live_server: Any) -> Any:
    """Open a named tab: `tab = open_browser("coach")`; closed after the test."""
    sessions: list[BrowserSession] = []

    def _open(name: str) -> BrowserSession:
        session = BrowserSession(browser, live_server.url, name)
        sessions.append(session)
        return session

    yield _open
    for session in sessions:
        assert not session.dialogs, f"a dialog opened in {session.name}'s tab: {session.dialogs}"
        assert not session.csp_violations, f"the CSP blocked in {session.name}'s tab: {session.csp_violations}"
        session.close()
