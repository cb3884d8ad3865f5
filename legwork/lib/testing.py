"""Real parts for tests: an SMTP server that records every message it receives; a watch on templates' queries."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from email.message import EmailMessage
from typing import Any
from unittest import mock

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class _Recorder:
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        # Only keep the bytes here: parsing with Python's email package costs ~5 ms of CPU a message, which
        # made the sink, not the worker, the limit when the benchmark sends thousands. Parsed when read.
        with self.lock:
            self.received.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class SMTPSink:
    """aiosmtpd on 127.0.0.1 and a free port; `messages` holds parsed emails."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.recorder = _Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._parsed: list[EmailMessage] = []

    @property
    def count(self) -> int:
        """How many messages arrived, without parsing them."""
        with self.recorder.lock:
            return len(self.recorder.received)

    @property
    def messages(self) -> list[EmailMessage]:
        with self.recorder.lock:
            for raw in self.recorder.received[len(self._parsed) :]:
                self._parsed.append(email.message_from_bytes(raw, policy=email.policy.default))
            return list(self._parsed)

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


@contextmanager
def queries_from_templates() -> Iterator[list[str]]:
    """The SQL run by templates themselves while a page renders: a lazy QuerySet, a related object loaded
    on first use, a tag that queries. Panel functions (`legwork.lib.panels`) are the pages' own code for
    their places and may query (each says how much); the templates they return may not."""
    from django.db import connection
    from django.template.base import Template

    from legwork.lib import panels

    found: list[str] = []
    where: list[str] = []  # "template" or "panel", innermost last
    render = Template.render
    panels_for = panels.panels_for

    def rendering(self: Template, context: Any) -> Any:
        where.append("template")
        try:
            return render(self, context)
        finally:
            where.pop()

    def in_panel(function: Callable[..., Any]) -> Callable[..., Any]:
        def run(context: Any, subject: Any) -> Any:
            where.append("panel")
            try:
                return function(context, subject)
            finally:
                where.pop()

        return run

    def watched_panels(slot: str) -> list[panels.Panel]:
        return [replace(item, function=in_panel(item.function)) for item in panels_for(slot)]

    def execute(run: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if where and where[-1] == "template":
            found.append(sql)
        return run(sql, params, many, context)

    with (
        mock.patch.object(Template, "render", rendering),
        mock.patch.object(panels, "panels_for", watched_panels),
        connection.execute_wrapper(execute),
    ):
        yield found
