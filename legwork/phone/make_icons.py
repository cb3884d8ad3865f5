"""Render the PNG icons a phone asks for from the brand's SVG: `python -m legwork.phone.make_icons`.

Android's home screen and install prompt want PNGs of 192 and 512 pixels, and a "maskable" one it
crops to its own shape (a circle, a squircle): full-bleed, with the mark inside the middle 80 %.
An iPhone wants a 180 pixel `apple-touch-icon`, opaque (it fills transparency with black) and
square (it rounds the corners itself). Chromium draws them, so the PNGs are the SVG exactly as a
browser shows it; they are committed (static files need no build step) and re-rendered whenever
the SVG changes. The source is `static/logo.svg` when there is one, else `static/favicon.svg`.

Needs Debian's chromium (`apt-get install chromium`, or CHROMIUM=/path), as the browser tests do.
"""

from __future__ import annotations

import base64
import os
import shutil
import sys
from pathlib import Path

from legwork.phone import ACCENT

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "static" / "phone" / "icons"
BACKGROUND = ACCENT  # full-bleed icons are the brand accent, as the logo's tile

# name: (size, the mark's share of the side, full-bleed background?)
ICONS = {
    "icon-192.png": (192, 1.0, False),
    "icon-512.png": (512, 1.0, False),
    # Maskable: the safe zone is a circle of 40 % radius, so a square mark of 0.56 of the side fits inside it.
    "maskable-192.png": (192, 0.56, True),
    "maskable-512.png": (512, 0.56, True),
    "apple-touch-icon.png": (180, 0.7, True),
}


def source() -> Path:
    logo = ROOT / "static" / "logo.svg"
    return logo if logo.exists() else ROOT / "static" / "favicon.svg"


def page_for(svg: bytes, size: int, share: float, bleed: bool) -> str:
    data = base64.b64encode(svg).decode()
    mark = round(size * share)
    background = BACKGROUND if bleed else "transparent"
    return (
        f"<!doctype html><html><body style='margin:0;width:{size}px;height:{size}px;background:{background};"
        f"display:grid;place-items:center'><img src='data:image/svg+xml;base64,{data}' "
        f"width='{mark}' height='{mark}' alt=''></body></html>"
    )


def main() -> int:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("Needs chromium: apt-get install chromium, or CHROMIUM=/path", file=sys.stderr)
        return 1
    svg_path = source()
    svg = svg_path.read_bytes()
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        for name, (size, share, bleed) in ICONS.items():
            page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
            page.set_content(page_for(svg, size, share, bleed))
            page.wait_for_load_state("load")
            page.screenshot(path=str(OUT / name), omit_background=not bleed)
            page.close()
        browser.close()
    print(f"Rendered {len(ICONS)} icons from {svg_path.relative_to(ROOT)} into {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
