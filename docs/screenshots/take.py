"""Screenshots of the real pages for docs/design.md and the README: `python docs/screenshots/take.py`.

The demo practice is built in a fresh SQLite file, served by `manage.py runserver` on a free port,
and visited with Playwright's Chromium (Debian's /usr/bin/chromium, as the browser tests use; set
CHROMIUM to use another). Each page is taken at 1280 and 390 px wide, in the light and the dark
scheme, as `<page>-<width>-<scheme>.png` in this folder. Only the top of each page is taken
(a viewport, not the full page) so the files stay small.

    python docs/screenshots/take.py                 # every page
    python docs/screenshots/take.py coach-home      # only the pages named
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PYTHON = sys.executable
SIZES = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
SCHEMES = ("light", "dark")
PASSWORD = "legwork-demo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(database: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SITE_ROOT": f"http://127.0.0.1:{port}"}
    env["DEBUG"] = "1"  # runserver serves static/ itself
    for command in (["migrate", "--no-input"], ["createcachetable"], ["demo"]):
        subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [PYTHON, "manage.py", *command], check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL
        )
    server = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)  # noqa: S310 - our own server
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def sign_in(page: object, email: str) -> None:
    page.goto("/accounts/login/")  # type: ignore[attr-defined]
    page.fill("input[name=login]", email)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]


def first_link(page: object, prefix: str) -> str:
    """The first link on the page whose path starts with `prefix` (`/sessions/`), as a path."""
    hrefs: list[str] = page.evaluate(  # type: ignore[attr-defined]
        "p => [...document.querySelectorAll('main a[href]')].map(a => a.pathname).filter(h => h.startsWith(p))",
        prefix,
    )
    pattern = [h for h in hrefs if h.rstrip("/").split("/")[-1].isdigit() or h.endswith("/brief/")]
    return (pattern or hrefs)[0]


def main(only: set[str]) -> None:
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        server = serve(Path(tmp) / "demo.sqlite3", port)
        base = f"http://127.0.0.1:{port}"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
                pages: dict[str, tuple[str, str]] = {}  # name -> (who, path)
                context = browser.new_context(base_url=base, viewport=SIZES[1280])
                page = context.new_page()
                sign_in(page, "coach@legwork.test")
                page.goto("/")
                session = first_link(page, "/sessions/")
                pages["coach-home"] = ("coach@legwork.test", "/")
                pages["session"] = ("coach@legwork.test", session)
                pages["brief"] = ("coach@legwork.test", session.rstrip("/") + "/brief/")
                pages["overview"] = ("coach@legwork.test", "/coach/overview/")
                pages["client-home"] = ("sam@legwork.test", "/")
                pages["sign-in"] = ("", "/accounts/login/")
                context.close()
                for name, (who, path) in pages.items():
                    if only and name not in only:
                        continue
                    for width, viewport in SIZES.items():
                        for scheme in SCHEMES:
                            context = browser.new_context(base_url=base, viewport=viewport, color_scheme=scheme)
                            page = context.new_page()
                            if who:
                                sign_in(page, who)
                            page.goto(path)
                            page.wait_for_load_state("networkidle")
                            out = HERE / f"{name}-{width}-{scheme}.png"
                            page.screenshot(path=str(out))
                            print(f"{out.relative_to(ROOT)} ({out.stat().st_size // 1024} KB)")
                            context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main(set(sys.argv[1:]))
