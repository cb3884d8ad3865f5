"""Screenshots of the real pages for docs/design.md and the README: `python docs/screenshots/take.py`.

The demo practice is built in a fresh SQLite file, served by `manage.py runserver` on a free port,
and visited with Playwright's Chromium (Debian's /usr/bin/chromium, as the browser tests use; set
CHROMIUM to use another). The shots in SHOTS are committed and shown in docs/design.md and the
README, as `<page>-<width>-<scheme>.png` in this folder; `--all` takes every page at both widths
in both schemes (to look at, not to commit). Only the top of each page is taken (a viewport, not
the full page) so the files stay small: about 600 KB for the committed set.

    python docs/screenshots/take.py                 # the committed set
    python docs/screenshots/take.py --all           # every page, 1280 and 390, light and dark
    python docs/screenshots/take.py brief           # only the pages named
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
SIZES = {1280: {"width": 1280, "height": 720}, 390: {"width": 390, "height": 760}}
SCHEMES = ("light", "dark")
# The committed set: each page once or twice, both widths and both schemes among them.
SHOTS = {
    ("coach-home", 1280, "light"),
    ("coach-home", 390, "dark"),
    ("session", 1280, "light"),
    ("session", 390, "light"),
    ("brief", 1280, "dark"),
    ("brief", 390, "light"),
    ("client-home", 390, "light"),
    ("client-home", 1280, "dark"),
}
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


def next_session_of(page: object, client: str) -> str:
    """The path of a client's next session, from the coach home's row for them."""
    path: str = page.evaluate(  # type: ignore[attr-defined]
        """name => [...document.querySelectorAll("main tr")].find(row => row.textContent.includes(name))
            .querySelector("a[href^='/sessions/']").pathname""",
        client,
    )
    return path


def main(only: set[str], every: bool) -> None:
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
                session = next_session_of(page, "Priya Shah")  # the crammer: the brief has most to say
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
                            if not every and (name, width, scheme) not in SHOTS:
                                continue
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
    main(set(sys.argv[1:]) - {"--all"}, every="--all" in sys.argv)
