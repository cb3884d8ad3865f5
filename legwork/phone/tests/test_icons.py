"""The icons a phone installs Legwork with: in the manifest, on disk, PNGs of the sizes they claim.

The PNGs are rendered from the brand's SVG by `python -m legwork.phone.make_icons` and committed;
this reads each file's own header (the IHDR chunk: width, height, colour type), not its name.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from legwork.phone import THEME

from .test_browser_offline import controlled

PNG = b"\x89PNG\r\n\x1a\n"
RGB, RGBA = 2, 6  # PNG colour types: no alpha channel (opaque), and with one


def png_header(url: str) -> tuple[int, int, int]:
    """(width, height, colour type) of the PNG a static URL names."""
    path = finders.find(url.removeprefix(settings.STATIC_URL))
    assert path, f"{url} is not a static file"
    head = Path(path).read_bytes()[:26]
    assert head[:8] == PNG, f"{url} is not a PNG"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height, head[25]


@pytest.mark.django_db
def test_the_manifest_offers_pngs_of_192_and_512_and_maskable_ones_of_their_claimed_sizes(client: Client) -> None:
    manifest = client.get("/manifest.webmanifest").json()
    # The installed app's bar is the colour a tab's is: base.html's light theme-color.
    page = client.get("/accounts/login/").content.decode()
    light = re.search(r'<meta name="theme-color" content="(#\w+)" media="\(prefers-color-scheme: light\)">', page)
    assert light, "base.html names no light theme-color"
    assert manifest["theme_color"] == THEME == light[1], "phone.THEME must follow base.html's theme-color"
    assert manifest["start_url"].startswith("/")
    assert manifest["scope"] == "/"
    pngs = [icon for icon in manifest["icons"] if icon["type"] == "image/png"]
    found = set()
    for icon in pngs:
        width, height, colour = png_header(icon["src"])
        assert icon["sizes"] == f"{width}x{height}", icon["src"]
        if icon["purpose"] == "maskable":
            assert colour == RGB, f"{icon['src']}: a maskable icon is full-bleed, no transparency"
        found.add((icon["purpose"], width))
    assert {("any", 192), ("any", 512), ("maskable", 192), ("maskable", 512)} <= found


@pytest.mark.django_db
def test_every_page_links_an_opaque_apple_touch_icon_of_180(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    href = page.split('rel="apple-touch-icon" href="', 1)[1].split('"', 1)[0]
    assert png_header(href) == (180, 180, RGB)  # an iPhone fills transparency with black


def test_notifications_show_the_png_icon(client: Client) -> None:
    worker = client.get("/sw.js").content.decode()
    assert "phone/icons/icon-192.png" in worker


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_finds_legwork_installable_and_the_client_home_holds_the_hint(open_browser: Any, bob: Any) -> None:
    """Chromium's own check (what decides whether it offers "Install app"): manifest, icons, worker, start URL."""
    tab = open_browser("installable")
    page = tab.page
    page.set_viewport_size({"width": 390, "height": 844})
    tab.sign_in(bob.email)
    page.goto("/")
    controlled(page)
    cdp = tab.context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito windows, where Chromium installs nothing: that one is the test's.
    assert [error for error in errors if error["errorId"] != "in-incognito"] == [], errors
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest["errors"]
    # The hint waits, hidden, for the browser's offer (beforeinstallprompt) or an iPhone's Safari.
    assert page.locator("#install-hint").count() == 1
    assert page.locator("#install-hint").is_hidden()
    # Opened from the home screen on the train, the app starts at its start_url: the home seen in a tab.
    start_url = page.evaluate("fetch('/manifest.webmanifest').then((r) => r.json()).then((m) => m.start_url)")
    assert "?" in start_url  # not the same address as the home in a tab
    tab.context.set_offline(True)
    page.goto(start_url)
    assert "You're offline" not in page.inner_text("main")
    assert page.locator("header button:has-text('Sign out')").count() == 1
    tab.context.set_offline(False)
