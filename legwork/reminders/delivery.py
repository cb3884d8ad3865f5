"""Sending the outbox over SMTP: one connection per batch, each email marked sent once the server accepted it.

A crash after the SMTP server accepted a message but before it was marked sent means
it is sent again, with the same Message-ID (derived from the row's idempotency key),
so it is recognisably the same email: no transport can do better without the
receiver's help. Claiming, leases and marking are in outbox.py.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import functools
import logging
import smtplib
from collections.abc import Callable
from email.headerregistry import BaseHeader, HeaderRegistry
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


def send_allowance() -> dt.timedelta:
    """The longest one message may take to send: the SMTP timeout, and a second for everything around it.

    A lease with less than this left could run out mid-send, and another worker claim the row and send it too.
    """
    return dt.timedelta(seconds=settings.SMTP_TIMEOUT + 1)


class _ParsedOnce(HeaderRegistry):
    """Python's header registry, reusing headers it already parsed.

    Python parses every header set on a message into a tree, and most of a reminder's headers are the same in
    every email (From, MIME-Version, each part's Content-Type and Content-Transfer-Encoding, Auto-Submitted…):
    parsing them again and again was about 1 ms of the 2.6 ms it took to build one. A parsed header is an
    immutable str (folding only reads it), so one can serve every message. Bounded, since To, Date and
    Message-ID differ every time.
    """

    @functools.lru_cache(maxsize=1024)  # noqa: B019 (one instance, alive as long as the process)
    def __getitem__(self, name: str) -> type[BaseHeader]:
        return super().__getitem__(name)  # (a new class on every call, otherwise)

    def __call__(self, name: str, value: Any) -> BaseHeader:
        if isinstance(value, str):  # not e.g. Django's list of Address objects for a non-ASCII domain
            return self._parse(name, value)
        return super().__call__(name, value)

    @functools.lru_cache(maxsize=1024)  # noqa: B019
    def _parse(self, name: str, value: str) -> BaseHeader:
        return super().__call__(name, value)


PARSED_ONCE = _ParsedOnce()


class ReminderEmail(EmailMultiAlternatives):
    def message(self, *, policy: Policy | None = email.policy.default) -> Any:
        # The List-Unsubscribe URL must stay one unbroken line: folded, Python would write it as RFC 2047
        # encoded words, which mail clients do not decode in that header. 998 is SMTP's own line limit.
        # (Django always asks for an EmailPolicy: email.policy.default, or SMTP from its SMTP backend.)
        base = policy if isinstance(policy, EmailPolicy) else email.policy.default
        return super().message(policy=base.clone(max_line_length=998, header_factory=PARSED_ONCE))


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


def outbox_send(
    *, worker: str, lease: dt.timedelta = DEFAULT_LEASE, batch: int = 50, stopping: Callable[[], bool] = lambda: False
) -> int:
    """Claim a batch and send it over one SMTP connection.

    Returns how many were claimed (sent or not), or 0 when the server looks unwell (refused,
    silent or gone), so the worker's pass ends instead of waiting on it batch after batch.
    """
    messages = outbox_claim(worker=worker, now=timezone.now(), lease=lease, batch=batch)
    if not messages:
        return 0
    allowance = send_allowance()
    mailer = _mail_connection()
    try:
        mailer.open()
    except SEND_ERRORS as error:
        # The server refuses or never answers: every claimed message counts one failed try.
        logger.warning("SMTP connection failed: %r", error)
        for message in messages:
            outbox_mark_failed(message, timezone.now(), f"Could not connect to the mail server: {error!r}")
        return 0
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
                mailer.send_messages([_email(message)])
            except (*SEND_ERRORS, ValueError) as error:  # ValueError: an address Django refuses to send to
                logger.warning("Sending %s failed: %r", message.message_id, error)
                outbox_mark_failed(message, timezone.now(), repr(error))
                _close_quietly(mailer)
                if isinstance(error, OSError | smtplib.SMTPServerDisconnected):
                    # Silent or gone: give the rest back untried rather than wait a timeout on each.
                    outbox_release(messages[index + 1 :])
                    return 0
                # Refused this one message (e.g. 5xx for the address): go on with the rest on a fresh connection.
                try:
                    mailer.open()
                except SEND_ERRORS:
                    outbox_release(messages[index + 1 :])
                    return 0
                continue
            if not outbox_mark_sent(message, timezone.now()):
                logger.warning("%s was sent, but its lease had run out and another worker took it", message.message_id)
    finally:
        _close_quietly(mailer)
    return len(messages)


def _close_quietly(mailer: Any) -> None:
    try:
        mailer.close()
    except (*SEND_ERRORS, AttributeError):
        pass
