"""The layers of docs/architecture.md, enforced: an app uses only the apps below it.

    lib → accounts → coaching → homework → practice → (notebook, exercises) → (reminders, insights)
        → (conversation, quality, webhooks) → (exports, api, phone) → ops → bench

An app may import from apps to its left and from `lib`; apps on the same level do not import each
other; `lib` imports no app; `bench` and the project modules (`legwork/urls.py`, `settings.py`,
`views.py`) may import anything. Every module counts except tests and migrations, and every import
in it: at the top, inside a function (a local import is still a dependency, only a later one), and
under `if TYPE_CHECKING:` (a type names the module it comes from as surely as a call does; mypy
reads it). Besides Python imports, two other ways to reach upwards are checked: a template loading
another app's tag library, and a model naming another app's model in a string ("homework.Homework").

A higher app that adds something to a lower app's page does it through `legwork.lib.panels`; a
lower app that needs to tell higher ones something sends a signal. Neither is an import.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]  # the legwork package
TEMPLATES = ROOT.parent / "templates"
LAYERS = [
    ["lib"],
    ["accounts"],
    ["coaching"],
    ["homework"],
    ["practice"],
    ["notebook", "exercises"],
    ["reminders", "insights"],
    ["conversation", "quality", "webhooks"],
    ["exports", "api", "phone"],
    ["ops"],
    ["bench"],
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}
TOP = len(LAYERS)  # the project's own modules: legwork/urls.py, settings.py, views.py, wsgi.py

# Known exceptions, each with its reason. Add none without a line in docs/architecture.md.
ALLOWED = {
    # AgendaItem (coaching) points at the homework a "to explore" item was raised for. Moving the link
    # to the homework side is a migration on both apps; until then it is a lazy reference only.
    ("coaching/models.py", "model", "homework"),
}


def level_of(app: str) -> int:
    return LEVEL.get(app, TOP)


def may_use(user: str, used: str) -> bool:
    """Whether app `user` may use app `used`."""
    if user == used or level_of(user) == TOP:
        return True
    if user == "bench":
        return True
    return level_of(used) < level_of(user)


def source_modules() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.relative_to(ROOT).parts and "migrations" not in path.relative_to(ROOT).parts
    )


def app_of_module(path: Path) -> str:
    parts = path.relative_to(ROOT).parts
    return parts[0] if len(parts) > 1 else "(project)"


def module_name(path: Path) -> list[str]:
    parts = ["legwork", *path.relative_to(ROOT).with_suffix("").parts]
    return parts[:-1] if parts[-1] == "__init__" else parts


def imported_apps(path: Path) -> list[tuple[int, str]]:
    """(line, app) for every Legwork app this module imports, wherever the import is."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path)[:-1]
    return imports_in(path.read_text(), package)


def imports_in(source: str, package: list[str]) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        targets: list[list[str]] = []
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name.split(".") for alias in node.names]
        else:
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = [*base, *(node.module.split(".") if node.module else [])]
            else:
                module = (node.module or "").split(".")
            # `from legwork import coaching` names the app in the imported names.
            targets = [[*module, alias.name] for alias in node.names] if module == ["legwork"] else [module]
        for target in targets:
            if len(target) >= 2 and target[0] == "legwork":
                found.append((node.lineno, target[1]))
    return found


def model_references(path: Path) -> list[tuple[int, str]]:
    """(line, app label) for every related field naming a model as "label.Model"."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name not in ("ForeignKey", "OneToOneField", "ManyToManyField"):
            continue
        to = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "to"), None)
        if isinstance(to, ast.Constant) and isinstance(to.value, str) and "." in to.value:
            found.append((node.lineno, to.value.split(".")[0]))
    return found


def tag_libraries() -> dict[str, str]:
    """Template tag library name -> the app it belongs to."""
    return {path.stem: path.parent.parent.name for path in ROOT.glob("*/templatetags/*.py") if path.stem != "__init__"}


def template_loads(path: Path) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        for match in re.finditer(r"{%\s*load\s+([\w\s]+?)\s*%}", line):
            found.extend((number, library) for library in match.group(1).split())
    return found


def violations() -> list[str]:
    problems = []
    for path in source_modules():
        user = app_of_module(path)
        where = str(path.relative_to(ROOT))
        for line, used in imported_apps(path):
            if not may_use(user, used) and (where, "import", used) not in ALLOWED:
                problems.append(f"{where}:{line} imports legwork.{used} ({user} may not import {used})")
        if path.name == "models.py":
            for line, used in model_references(path):
                if used in LEVEL and not may_use(user, used) and (where, "model", used) not in ALLOWED:
                    problems.append(f"{where}:{line} names a {used} model ({user} may not use {used})")
    libraries = tag_libraries()
    for path in sorted(TEMPLATES.rglob("*.html")):
        parts = path.relative_to(TEMPLATES).parts
        user = parts[0] if len(parts) > 1 and parts[0] in LEVEL else "(project)"
        where = str(path.relative_to(TEMPLATES.parent))
        for line, library in template_loads(path):
            used = libraries.get(library, "")
            if used and not may_use(user, used) and (where, "template", used) not in ALLOWED:
                problems.append(f"{where}:{line} loads {{% load {library} %}} from {used} ({user} may not use {used})")
    return problems


def test_every_app_uses_only_the_apps_below_it() -> None:
    assert violations() == []


def test_the_known_exceptions_are_still_needed() -> None:
    """An exception nobody needs any more is removed, so it can't hide a new violation."""
    global ALLOWED
    kept = ALLOWED
    ALLOWED = set()
    try:
        found = violations()
    finally:
        ALLOWED = kept
    for where, kind, used in kept:
        assert any(problem.startswith(where) and used in problem for problem in found), (where, kind, used)


# --- The checker itself: each kind of import is seen ------------------------------------------


@pytest.mark.parametrize(
    ("source", "apps"),
    [
        ("import legwork.homework.models", ["homework"]),
        ("from legwork.homework.models import Homework", ["homework"]),
        ("from legwork import homework", ["homework"]),
        ("from ..homework import services", ["homework"]),
        ("from . import views", ["coaching"]),
        ("def f():\n    from legwork.insights import pages\n", ["insights"]),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from legwork.homework.models import Homework\n",
            ["homework"],
        ),
        ("import django.db", []),
    ],
)
def test_it_sees_every_kind_of_import(source: str, apps: list[str]) -> None:
    # As if written in legwork/coaching/some_module.py.
    assert [app for _, app in imports_in(source, ["legwork", "coaching"])] == apps


def test_it_refuses_an_import_upwards_and_sideways() -> None:
    assert not may_use("coaching", "homework")
    assert not may_use("notebook", "exercises")
    assert not may_use("insights", "reminders")
    assert not may_use("lib", "accounts")
    assert may_use("homework", "lib")
    assert may_use("insights", "notebook")
    assert may_use("bench", "api")
    assert may_use("(project)", "bench")
