"""The API tests' client: every response is checked against the OpenAPI document, every route hit is noted.

After a run of the whole API test folder, a route of the router that no test called
fails the run (Zulip's "untested URL" check), and so does any answer the document
does not describe: a status it does not list, or a body that does not match its schema.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from django.test import Client

from legwork.accounts.models import User
from legwork.api.models import ApiToken

HERE = Path(__file__).resolve().parent
HIT: set[tuple[str, str]] = set()
_DESELECTED: list[Any] = []


@cache
def document() -> dict[str, Any]:
    from legwork.api.openapi import openapi_document

    return openapi_document("http://testserver/api/v1/")


@cache
def operations() -> dict[tuple[str, str], Any]:
    """(METHOD, Django route) → operation, for every operation of the router."""
    from legwork.api.endpoints import router

    return {(operation.method, operation.route): operation for operation in router.operations}


def validate(schema: dict[str, Any], body: Any, where: str) -> None:
    root = {**schema, "components": document()["components"]}
    validator = jsonschema.Draft202012Validator(root, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
    assert not errors, f"{where}: the answer does not match the OpenAPI document: " + "; ".join(
        f"{'/'.join(map(str, error.absolute_path)) or 'body'}: {error.message}" for error in errors[:5]
    )


def check(response: Any, method: str) -> None:
    """The answer is what the OpenAPI document says this route answers."""
    path = response.request["PATH_INFO"]
    if not path.startswith("/api/"):
        return
    match = response.resolver_match
    operation = operations().get((method, match.route)) if match is not None else None
    status = str(response.status_code)
    where = f"{method} {path} → {status}"
    if response.status_code == 204:
        assert response.content == b"", where
    else:
        assert response["Content-Type"].startswith("application/json"), f"{where}: not JSON"
    if operation is None:
        # Not an operation (an unknown path, a method the path lacks, the document itself): an Error or the document.
        if response.status_code >= 400:
            validate({"$ref": "#/components/schemas/Error"}, response.json(), where)
        return
    HIT.add((operation.method, operation.path))
    described = document()["paths"][operation.path][method.lower()]["responses"]
    assert status in described, f"{where}: the OpenAPI document lists only {sorted(described)}"
    content = described[status].get("content")
    if content is not None:
        validate(content["application/json"]["schema"], response.json(), where)


class ApiClient(Client):
    """A test client with a person's token that checks every answer against the OpenAPI document."""

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        check(response, request["REQUEST_METHOD"].upper())
        return response

    def send(self, method: str, url: str, data: Any = None, **extra: Any) -> Any:
        """Any method with a JSON body (a dict or list) or raw bytes."""
        body = data if isinstance(data, bytes) else (b"" if data is None else json.dumps(data).encode())
        return self.generic(method, url, body, content_type="application/json", **extra)


def token_client(user: User) -> ApiClient:
    _, token = ApiToken.issue(user=user, name="tests")
    return ApiClient(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def api() -> Any:
    """`api(user)`: a client signed in with a fresh token of theirs."""
    return token_client


def pytest_deselected(items: list[Any]) -> None:
    _DESELECTED.extend(items)


def _ran_every_api_test(session: pytest.Session) -> bool:
    files = {path.name for path in HERE.glob("test_*.py")}
    collected = {Path(str(item.fspath)).name for item in session.items if Path(str(item.fspath)).parent == HERE}
    deselected = any(Path(str(item.fspath)).parent == HERE for item in _DESELECTED)
    return collected == files and not deselected and not session.shouldstop


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _ran_every_api_test(session):
        return
    untested = sorted({(operation.method, operation.path) for operation in operations().values()} - HIT)
    if untested:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"  {method} /api/v1{path}" for method, path in untested]
        message = "API routes no test called (add a test in legwork/api/tests/):\n" + "\n".join(lines)
        if reporter is not None:
            reporter.write_line(message, red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# --- One engagement with something of every kind, for privacy probes and the happy paths ---------------

EXERCISE_DOCUMENT = {
    "format": 1,
    "slug": "my-strengths",
    "title": "My strengths",
    "purpose": "explore",
    "kind": "logical",
    "instructions": "Three strengths, and the story of one.",
    "fields": [
        {"name": "strengths", "label": "Three strengths", "type": "list", "required": True},
        {"name": "confidence", "label": "How sure am I?", "type": "scale"},
        {"name": "kinds", "label": "Kinds", "type": "multiple_choice", "options": ["people", "things", "ideas"]},
        {
            "name": "stories",
            "label": "Stories",
            "type": "group",
            "max_items": 3,
            "fields": [{"name": "what", "label": "What happened", "type": "short_text"}],
        },
    ],
}


class World:
    """Coach alice and client bob, with a goal, sessions, homework, progress, an agenda point, a reflection,
    alice's own exercise in a homework, bob's private and shared journal entries, and his thinking time."""

    def __init__(self, alice: User, bob: User, engagement: Any) -> None:
        import datetime as dt

        from django.utils import timezone

        from conftest import make_homework, make_progress, make_session
        from legwork.coaching.models import AgendaItem, Goal
        from legwork.exercises.services import exercise_create, exercise_propose
        from legwork.homework.models import Homework
        from legwork.insights.models import Reflection
        from legwork.notebook.models import JournalEntry, ThinkingTimeBlock

        now = timezone.now()
        self.alice, self.bob, self.engagement = alice, bob, engagement
        self.goal = Goal.objects.create(engagement=engagement, title="A product role by summer")
        self.session = make_session(engagement, at=now - dt.timedelta(hours=1), private_notes="canary-private-2b7e")
        self.next_session = make_session(engagement, at=now + dt.timedelta(days=14))
        self.homework = make_homework(engagement, title="Call Dana at Acme", status=Homework.Status.CONFIRMED)
        self.homework.created_at = now - dt.timedelta(days=10)
        self.homework.save(update_fields=["created_at"])
        self.progress = make_progress(self.homework, note="Left a voicemail", minutes=5)
        self.agenda_item = AgendaItem.objects.create(engagement=engagement, text="Talk about the move")
        self.reflection = Reflection.objects.create(session=self.next_session, what_i_did="Called Dana")
        self.exercise = exercise_create(owner=alice, document=EXERCISE_DOCUMENT)
        self.carrying = exercise_propose(exercise=self.exercise, engagement=engagement, by=alice)
        self.private_entry = JournalEntry.objects.create(client=bob, title="Mine", body="canary-unshared-4f1a")
        self.shared_entry = JournalEntry.objects.create(client=bob, title="For Alice", body="What energises me")
        self.shared_entry.share(engagement)
        self.block = ThinkingTimeBlock.objects.create(
            client=bob,
            rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
            start_time=dt.time(9),
            timezone="Europe/London",
            note="garden",
        )
        self.block.created_at = now - dt.timedelta(days=30)
        self.block.save(update_fields=["created_at"])
        # The conversation: a thread on the homework and the coach's "seen" on the progress.
        from legwork.conversation.models import Acknowledgement, Message

        self.message = Message.objects.create(
            homework=self.homework, engagement=engagement, author=bob, body="canary-thread-9d3c"
        )
        self.acknowledgement = Acknowledgement.objects.create(
            engagement=engagement, coach=alice, progress_entry=self.progress, word="canary-seen-5e8a"
        )
        # Alice's place in her practice (a practice of one until a test adds olive or frank).
        from legwork.practice.services import practice_of

        self.member = practice_of(alice)
        # A check-in scale of alice's own making on bob's engagement, not shared.
        from legwork.quality.models import CheckInScale

        self.scale = CheckInScale.objects.create(
            engagement=engagement, question="canary-scale-71b0", low_label="low", high_label="high"
        )
        from legwork.webhooks.models import Webhook

        self.webhook = Webhook.objects.create(
            coach=alice, created_by=alice, url="https://crm.example.org/canary-hook-7c2d", events=["homework.agreed"]
        )

    def ids(self, path: str) -> dict[str, int]:
        """The ids to fill an operation's path with: always this world's objects."""
        first = path.split("/")[1]
        ids = {
            "engagements": self.engagement.pk,
            "sessions": self.next_session.pk if path.endswith("/reflection/acknowledge") else self.session.pk,
            "progress": self.progress.pk,
            "homework": self.carrying.pk if path.endswith("/answers") else self.homework.pk,
            "exercises": self.exercise.pk,
            "journal": self.private_entry.pk,
            "thinking-time": self.block.pk,
            "check-in-scales": self.scale.pk,
            "webhooks": self.webhook.pk,
            "practice": self.member.pk,
        }
        return {"id": ids[first], "homework_id": self.homework.pk, "item_id": self.agenda_item.pk}

    def url(self, path: str, **ids: int) -> str:
        return "/api/v1" + path.format(**{**self.ids(path), **ids})


@pytest.fixture
def world(alice: User, bob: User, alice_bob: Any) -> World:
    return World(alice, bob, alice_bob)
