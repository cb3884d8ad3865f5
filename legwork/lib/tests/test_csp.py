"""The Content-Security-Policy: Django's own, with a nonce for each response's inline scripts.

The browser test is the proof (the policy enforced by Chromium, violations recorded for
every browser test by conftest's BrowserSession); the template scan catches an inline
handler or style on a page no browser test opens.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from conftest import make_homework, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement

TEMPLATES = Path(settings.BASE_DIR, "templates")
# Emails (ours and allauth's) and the export's archive are read in mail programs and from disk, never under this policy.
NOT_SERVED = ("emails/", "account/email/", "exports/archive.html")


def _served_templates() -> list[Path]:
    return [p for p in TEMPLATES.rglob("*.html") if not str(p.relative_to(TEMPLATES)).startswith(NOT_SERVED)]


def test_no_served_template_has_an_inline_handler_a_style_or_a_script_without_the_nonce() -> None:
    found = []
    for path in _served_templates():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES)
        found += [f"{name}: {m[0]}" for m in re.finditer(r"\son[a-z]+\s*=", text)]
        found += [f"{name}: {m[0]}" for m in re.finditer(r"\sstyle\s*=|<style\b|\shx-on\b|\shx-on:|javascript:", text)]
        found += [f"{name}: {m[0]}" for m in re.finditer(r"<script\b(?![^>]*\bnonce=)(?![^>]*\bsrc=)[^>]*>", text)]
    assert not found, (
        "Inline script needs the nonce; handlers and styles belong in legwork.css/base.html:\n" + "\n".join(found)
    )


@pytest.mark.django_db
def test_each_page_carries_the_policy_with_a_fresh_nonce_for_its_scripts(client: Client, alice: User) -> None:
    client.force_login(alice)
    nonces = []
    for _ in range(2):
        response = client.get("/")
        policy = response["Content-Security-Policy"]
        [nonce] = re.findall(r"'nonce-([^']+)'", policy)
        assert f'<script nonce="{nonce}">' in response.content.decode()
        assert "style-src 'self';" in policy
        assert "'unsafe-inline'" not in policy
        assert "'unsafe-eval'" not in policy
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_main_pages_run_under_the_policy_with_nothing_blocked(
    open_browser: Any, alice_bob: Engagement, alice: User, bob: User
) -> None:
    held = make_session(alice_bob, at=timezone.now() - dt.timedelta(days=7), status="held")
    upcoming = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=3))
    homework = make_homework(alice_bob, "Talk to two UX researchers", agreed_in=held, status="confirmed")

    coach = open_browser("coach")
    # The detector works: a script the page did not vouch for is blocked and recorded.
    coach.page.goto("/accounts/login/")
    coach.page.evaluate("""() => new Promise((resolve) => {
        document.addEventListener("securitypolicyviolation", () => resolve(), {once: true});
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
    })""")
    assert coach.page.evaluate("() => window.injected") is None
    assert coach.csp_violations, "an unvouched inline script was not reported"
    coach.csp_violations.clear()

    coach.sign_in(alice.email)
    for path in ["/", f"/engagements/{alice_bob.pk}/", f"/sessions/{upcoming.pk}/", f"/sessions/{held.pk}/"]:
        coach.page.goto(path)
        coach.page.wait_for_load_state("networkidle")
    # The shown-once link: the copy button appears (base.html's nonce'd script ran) and copies.
    coach.page.goto("/invitations/")
    coach.page.get_by_label("Client's email").fill("nia@example.com")
    coach.page.get_by_label("Email the link to them now").uncheck()
    coach.page.get_by_role("button", name="Create the invitation").click()
    coach.page.get_by_role("button", name="Copy the link").wait_for()
    coach.page.get_by_label("Invitation link").click()
    assert coach.page.evaluate("""() => { const input = document.getElementById("invitation-link");
        return input.selectionStart === 0 && input.selectionEnd === input.value.length; }""")

    client = open_browser("client")
    client.sign_in(bob.email)
    for path in ["/", f"/homework/{homework.pk}/", "/notebook/new/", "/thinking-time/", "/insights/", "/calendar/"]:
        client.page.goto(path)
        client.page.wait_for_load_state("networkidle")
    # Typing in a new journal entry makes htmx save a draft: htmx runs, and injects no style.
    client.page.goto("/notebook/new/")
    client.page.locator("textarea").first.fill("What energises me")
    client.page.locator("#saved-status", has_text="Saved").wait_for()
