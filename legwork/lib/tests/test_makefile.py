"""`make run` hands the address it serves to every process that writes links."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

# Stands in for the virtualenv's python: records which command ran with which SITE_ROOT.
# The web server waits (briefly) for the worker, which starts in the background just before it,
# so make's "kill 0" on exit never cuts the worker short.
FAKE_PYTHON = """#!/bin/sh
if [ "$2" = runserver ]; then
  for _ in $(seq 1 100); do [ -f "$OUT/worker" ] && break; sleep 0.1; done
fi
printf '%s' "$SITE_ROOT" > "$OUT/$2"
"""


def run_make(tmp_path: Path, *args: str, **env: str) -> dict[str, str]:
    out = tmp_path / "out"
    out.mkdir()
    fake = tmp_path / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    # Not the outer make's flags or variables (`make test` runs this suite).
    skip = {"SITE_ROOT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    environ = {k: v for k, v in os.environ.items() if k not in skip} | {"OUT": str(out)} | env
    # -o: the virtualenv counts as installed. A session of its own: make's trap kills its process group.
    subprocess.run(
        ["make", "--no-print-directory", "-o", ".venv/.installed", "run", f"PY={fake}", *args],
        cwd=settings.BASE_DIR,
        env=environ,
        capture_output=True,
        start_new_session=True,
        timeout=60,
        check=False,
    )
    return {path.name: path.read_text() for path in out.iterdir()}


@pytest.mark.skipif(not Path(settings.BASE_DIR, ".venv", ".installed").exists(), reason="needs `make install`")
def test_make_run_links_follow_the_port_it_serves(tmp_path: Path) -> None:
    seen = run_make(tmp_path, "PORT=8101")
    assert seen == dict.fromkeys(
        ["migrate", "createcachetable", "demo", "worker", "runserver"], "http://127.0.0.1:8101"
    )


@pytest.mark.skipif(not Path(settings.BASE_DIR, ".venv", ".installed").exists(), reason="needs `make install`")
def test_make_run_keeps_a_site_root_that_is_set(tmp_path: Path) -> None:
    seen = run_make(tmp_path, "PORT=8101", SITE_ROOT="https://coach.example")
    assert set(seen.values()) == {"https://coach.example"}
    assert {"demo", "worker", "runserver"} <= set(seen)
