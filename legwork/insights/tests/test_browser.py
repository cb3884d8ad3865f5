"""The insight pages in a real browser: accessible, usable without script, and the brief prints on two A4 pages."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.utils import timezone

from conftest import ARTIFACTS, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.insights.models import Reflection
from legwork.insights.tests.factories import busy_interval

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_pages(data: bytes) -> int:
    """Pages in a PDF from Chromium: each page object says /Type /Page (the tree root says /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


@pytest.fixture
def busy_session(alice_bob: Engagement) -> Session:
    make_session(alice_bob, at=timezone.now() - dt.timedelta(days=10), status=Session.Status.HELD)
    session = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=4))
    busy_interval(alice_bob, session, entries=60, homework=6)
    return session


def test_it_prints_a_busy_brief_on_at_most_two_a4_pages(open_browser: Any, alice: User, busy_session: Session) -> None:
    tab = open_browser("coach")
    tab.sign_in(alice.email)
    tab.page.goto(f"/sessions/{busy_session.pk}/brief/")
    assert tab.page.get_by_role("heading", name="Brief: Bob Client").is_visible()
    assert tab.page.get_by_role("img", name=re.compile("Timeline of the interval")).is_visible()
    tab.assert_accessible()
    tab.screenshot("brief")
    tab.page.emulate_media(media="print")
    pdf = tab.page.pdf(format="A4", print_background=True)
    path = ARTIFACTS / "brief.pdf"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(pdf)
    if shutil.which("pdftoppm"):  # a picture of each page to look at, where poppler is installed
        subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(ARTIFACTS / "brief-page")], check=False)
    assert 1 <= pdf_pages(pdf) <= 2


def test_every_brief_of_the_demo_prints_on_at_most_two_a4_pages(open_browser: Any) -> None:
    """The demo's real briefs, the steady client's with a whole Possible Selves answer among them."""
    from legwork.coaching.demo import COACH_EMAIL, DEMO_PASSWORD, build_demo_practice

    demo = build_demo_practice()
    tab = open_browser("demo-coach")
    tab.sign_in(COACH_EMAIL, DEMO_PASSWORD)
    printed = {}
    for pattern, engagement in demo.engagements.items():
        session = engagement.next_session()
        if session is None:
            continue  # paused: no session to brief for
        tab.page.goto(f"/sessions/{session.pk}/brief/")
        tab.page.emulate_media(media="print")
        printed[pattern] = pdf_pages(tab.page.pdf(format="A4", print_background=True))
        tab.page.emulate_media(media="screen")
    assert set(printed) >= {"steady", "crammer", "stuck", "new"}
    assert all(1 <= pages <= 2 for pages in printed.values()), printed


def test_it_lets_the_coach_filter_the_overview_without_script(
    open_browser: Any, alice: User, busy_session: Session
) -> None:
    tab = open_browser("coach")
    tab.sign_in(alice.email)
    tab.page.goto("/coach/overview/")
    tab.assert_accessible()
    tab.page.get_by_label("Has “to explore” items").check()
    tab.page.get_by_role("button", name="Filter").click()
    tab.page.wait_for_load_state("networkidle")
    assert "explore=on" in tab.page.url
    assert tab.page.get_by_role("link", name="Bob Client", exact=True).is_visible()
    tab.screenshot("overview")


def test_it_lets_the_client_write_a_reflection_and_see_their_insights(
    open_browser: Any, bob: User, busy_session: Session
) -> None:
    Reflection.objects.filter(session=busy_session).delete()
    tab = open_browser("client")
    tab.sign_in(bob.email)
    tab.page.get_by_role("link", name="write your reflection").click()
    tab.assert_accessible()
    tab.page.get_by_label("What I learned").fill("Small steps every morning work for me.")
    tab.page.get_by_role("button", name="Save my reflection").click()
    tab.page.wait_for_load_state("networkidle")
    assert Reflection.objects.get(session=busy_session).what_i_learned == "Small steps every morning work for me."
    tab.screenshot("reflection")
    tab.page.goto("/insights/")
    assert tab.page.get_by_text(re.compile(r"You worked on \d+ of the \d+ days")).is_visible()
    tab.assert_accessible()
    tab.screenshot("insights")


def test_it_shows_the_client_no_brief_and_another_coach_nothing(
    open_browser: Any, bob: User, carol: User, busy_session: Session
) -> None:
    client_tab = open_browser("client")
    client_tab.sign_in(bob.email)
    assert client_tab.page.goto(f"/sessions/{busy_session.pk}/brief/").status == 403
    other_tab = open_browser("other-coach")
    other_tab.sign_in(carol.email)
    assert other_tab.page.goto(f"/sessions/{busy_session.pk}/brief/").status == 404
    assert other_tab.page.goto(f"/sessions/{busy_session.pk}/reflection/").status == 404
    other_tab.page.goto("/coach/overview/")
    assert other_tab.page.get_by_text("Bob Client").count() == 0
