"""Sending the outbox over SMTP: one connection per batch, each email marked sent once the server accepted it.

A crash after the SMTP server accepted a message but before it was marked sent means
it is sent again, with the same Message-ID (derived from the row's idempotency key),
so it is recognisably the same email: no transport can do better without the
receiver's help. Claiming, leases and marking are in outbox.py.

Each send has an overall deadline (`SMTP_TIMEOUT`), not only a timeout on each read:
a server that answers every line just in time could otherwise hold one send for as
long as it likes, past the row's lease, and another worker would send it too.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import logging
import smtplib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.policy import EmailPolicy, Policy
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.utils import timezone

from .models import OutboxMessage
from .outbox import lease_left, outbox_claim, outbox_mark_failed, outbox_mark_sent, outbox_release, outbox_renew

logger = logging.getLogger("legwork.reminders")

DEFAULT_LEASE = dt.timedelta(minutes=5)
SEND_ERRORS = (smtplib.SMTPException, OSError)


def send_deadline() -> float:
    """Seconds one message may take to send, from MAIL FROM to the server's answer to the data."""
    return float(settings.SMTP_TIMEOUT)


def send_allowance() -> dt.timedelta:
    """What a lease must still have left before a send: the send's deadline and a second to mark it sent.

    A lease with less than this left could run out mid-send, and another worker claim the row and send it too.
    """
    return dt.timedelta(seconds=send_deadline() + 1)


class _Watchdog:
    """One thread per process that shuts an SMTP socket down when the send on it outlasts its deadline.

    Shutting the socket down makes the blocked read or write in smtplib fail at once, whatever the
    per-read timeout; the send then counts as a failed (temporary) try.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._sock: socket.socket | None = None
        self._at = 0.0
        self._fired = False
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        with self._condition:
            while True:
                if self._sock is None:
                    self._condition.wait()
                    continue
                left = self._at - time.monotonic()
                if left > 0:
                    self._condition.wait(left)
                    continue
                with contextlib.suppress(OSError):  # already closed
                    self._sock.shutdown(socket.SHUT_RDWR)
                self._fired = True
                self._sock = None

    def arm(self, sock: socket.socket | None, seconds: float) -> None:
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="smtp-deadline", daemon=True)
                self._thread.start()
            self._sock, self._at, self._fired = sock, time.monotonic() + seconds, False
            self._condition.notify()

    def disarm(self) -> bool:
        """Stop watching; True if the deadline had passed and the socket was shut down."""
        with self._condition:
            self._sock = None
            return self._fired


WATCHDOG = _Watchdog()


class ReminderEmail(EmailMultiAlternatives):
    def message(self, *, policy: Policy | None = email.policy.default) -> Any:
        # The List-Unsubscribe URL must stay one unbroken line: folded, Python would write it as RFC 2047
        # encoded words, which mail clients do not decode in that header. 998 is SMTP's own line limit.
        # (Django always asks for an EmailPolicy: email.policy.default, or SMTP from its SMTP backend.)
        base = policy if isinstance(policy, EmailPolicy) else email.policy.default
        return super().message(policy=base.clone(max_line_length=998))


def _email(message: OutboxMessage) -> EmailMultiAlternatives:
    outgoing = ReminderEmail(
        message.subject, message.text, settings.DEFAULT_FROM_EMAIL, [message.to], headers=dict(message.headers)
    )
    if message.html:
        outgoing.attach_alternative(message.html, "text/html")
    return outgoing


def _mail_connection() -> Any:
    mailer = mailers.default
    # A silent SMTP server must never hold the worker longer than this.
    if hasattr(mailer, "timeout") and mailer.timeout is None:
        mailer.timeout = settings.SMTP_TIMEOUT
    return mailer


def _send_one(mailer: Any, message: OutboxMessage) -> None:
    """Send one message within its deadline; raises TimeoutError when the deadline cut it short."""
    smtp = getattr(mailer, "connection", None)
    WATCHDOG.arm(getattr(smtp, "sock", None), send_deadline())
    try:
        mailer.send_messages([_email(message)])
    except SEND_ERRORS as error:
        if WATCHDOG.disarm():
            raise TimeoutError(f"Sending took longer than its {send_deadline():g} s deadline") from error
        if _timed_out(error):  # smtplib reports a read that timed out as "disconnected"
            raise TimeoutError(f"The mail server went silent: {error}") from error
        raise
    if WATCHDOG.disarm():
        # Accepted just as the deadline struck: sent all the same, but the connection is gone.
        _close_quietly(mailer)


def _timed_out(error: BaseException | None) -> bool:
    while error is not None:
        if isinstance(error, TimeoutError):
            return True
        error = error.__cause__ or error.__context__
    return False


def _is_permanent(error: Exception) -> bool:
    """A 5xx answer about this recipient or this message, or an address Django refuses: trying again won't help."""
    if isinstance(error, ValueError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPDataError):
        return 500 <= error.smtp_code < 600
    return False


@dataclass
class SendPass:
    """What one `outbox_send` did: how many rows it claimed, and whether the server looked unwell."""

    tried: int
    server_unwell: bool = False


def outbox_send(
    *, worker: str, lease: dt.timedelta = DEFAULT_LEASE, batch: int = 50, stopping: Callable[[], bool] = lambda: False
) -> SendPass:
    """Claim a batch and send it over one SMTP connection.

    One recipient's refusal leaves the rest going on the same connection: a 5xx fails that message
    at once, a 4xx is retried later. A server that refuses the connection, goes silent or misses a
    send's deadline ends the batch (the rest go back untried, `server_unwell`), so the worker does
    not wait a timeout per message; one that hangs up is dialled again once.
    """
    messages = outbox_claim(worker=worker, now=timezone.now(), lease=lease, batch=batch)
    if not messages:
        return SendPass(0)
    allowance = send_allowance()
    mailer = _mail_connection()
    try:
        mailer.open()
    except SEND_ERRORS as error:
        # The server refuses or never answers: every claimed message counts one failed (temporary) try.
        logger.warning("SMTP connection failed: %r", error)
        for message in messages:
            outbox_mark_failed(message, timezone.now(), f"Could not connect to the mail server: {error!r}")
        return SendPass(len(messages), server_unwell=True)
    try:
        for index, message in enumerate(messages):
            if stopping():
                outbox_release(messages[index:])
                break
            # Send only while our lease holds for longer than one send may take, so no other worker can claim
            # the row mid-send. The claim's lease (minutes by default) usually covers the whole batch: renew
            # only when it runs short, rather than an UPDATE before every email.
            now = timezone.now()
            if lease_left(message, now) < allowance and not outbox_renew(message, now, lease):
                logger.warning(
                    "Lease on %s ran out before it was sent; leaving it to whoever has it", message.message_id
                )
                continue
            try:
                _send_one(mailer, message)
            except (*SEND_ERRORS, ValueError) as error:  # ValueError: an address or header Django refuses
                permanent = _is_permanent(error)
                logger.warning("Sending %s failed%s: %r", message.message_id, " for good" if permanent else "", error)
                outbox_mark_failed(message, timezone.now(), repr(error), permanent=permanent)
                if isinstance(error, ValueError | smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException):
                    continue  # about this message only; smtplib reset the transaction, the connection goes on
                _close_quietly(mailer)
                if isinstance(error, TimeoutError):
                    # Silent or too slow: give the rest back untried rather than wait out a deadline on each.
                    outbox_release(messages[index + 1 :])
                    return SendPass(len(messages), server_unwell=True)
                try:
                    mailer.open()  # it hung up: dial again once for the rest
                except SEND_ERRORS:
                    outbox_release(messages[index + 1 :])
                    return SendPass(len(messages), server_unwell=True)
                continue
            if not outbox_mark_sent(message, timezone.now()):
                logger.warning("%s was sent, but its lease had run out and another worker took it", message.message_id)
    finally:
        _close_quietly(mailer)
    return SendPass(len(messages))


def _close_quietly(mailer: Any) -> None:
    try:
        mailer.close()
    except (*SEND_ERRORS, AttributeError):
        pass
