"""DESIGN.md's vocabulary in our own words: homework is agreed, never assigned."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SOURCES = ("legwork", "templates", "docs", "static")
SUFFIXES = {".py", ".html", ".txt", ".md", ".yaml", ".json", ".css", ".js"}
# Allowed: mypy's error code, migrations and their tests (history, not names in use), and saying it is not so.
ALLOWED = re.compile(r"ignore\[[a-z,-]*assignment[a-z,-]*\]|(?:not|never) assigned")


def test_no_homework_is_assigned_in_code_templates_or_docs() -> None:
    found = []
    paths = [ROOT / "README.md"] + [p for s in SOURCES for p in (ROOT / s).rglob("*") if p.suffix in SUFFIXES]
    for path in paths:
        if "migrations" in path.parts or path.name == "test_migrations.py" or path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"assign", ALLOWED.sub("", line), re.IGNORECASE):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "Homework is agreed, not assigned (DESIGN.md):\n" + "\n".join(found)
