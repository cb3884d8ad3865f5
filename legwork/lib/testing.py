"""Real parts for tests: an SMTP server that records every message it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

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
