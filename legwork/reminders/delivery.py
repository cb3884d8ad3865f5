"""Sending the outbox: claim with a lease, send, then mark sent; and the worker's loop.

A crash between claim and send leaves the row claimed until its lease runs out;
then any worker claims it again, so nothing is lost. A crash after the SMTP server
accepted a message but before it was marked sent means it is sent again, with the
same Message-ID (derived from the row's idempotency key), so it is recognisably the
same email: no transport can do better without the receiver's help.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import functools
import logging
import smtplib
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.headerregistry import BaseHeader, HeaderRegistry
from email.policy import EmailPolicy, Policy
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from .models import OutboxMessage, Reminder
from .services import reminders_dispatch, reminders_plan

logger = logging.getLogger("legwork.reminders")

# After this many failed tries the reminder is marked failed and the person sees it in the app.
MAX_FAILURES = 4
BACKOFF = [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30)]
DEFAULT_LEASE = dt.timedelta(minutes=5)
PLAN_EVERY = dt.timedelta(minutes=1)

SEND_ERRORS = (smtplib.SMTPException, OSError)


def backoff(failures: int) -> dt.timedelta:
    return BACKOFF[min(failures, len(BACKOFF)) - 1]


def send_allowance() -> dt.timedelta:
    """The longest one message may take to send: the SMTP timeout, and a second for everything around it.

    A lease with less than this left could run out mid-send, and another worker claim the row and send it too.
    """
    return dt.timedelta(seconds=settings.SMTP_TIMEOUT + 1)


def outbox_claim(*, worker: str, now: dt.datetime, lease: dt.timedelta, batch: int) -> list[OutboxMessage]:
    """Claim up to `batch` claimable rows for this worker until `now + lease`; returns the rows claimed.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so workers never wait on each other.
    SQLite: a conditional UPDATE that re-checks the claimable condition; rows another
    worker took in between simply don't match, and the row count says how many are ours.
    """
    token = f"{worker}:{uuid.uuid4().hex}"[:64]
    claim = {"status": OutboxMessage.Status.SENDING, "lease_until": now + lease, "claim": token}
    if connection.vendor == "postgresql":
        with transaction.atomic():
            ids = list(
                OutboxMessage.objects.claimable(now)
                .order_by("next_attempt_at", "pk")
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:batch]
            )
            claimed = OutboxMessage.objects.filter(pk__in=ids).update(**claim)
    else:
        ids = list(
            OutboxMessage.objects.claimable(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:batch]
        )
        claimed = OutboxMessage.objects.claimable(now).filter(pk__in=ids).update(**claim)
    if not claimed:
        return []
    return list(OutboxMessage.objects.filter(claim=token).order_by("next_attempt_at", "pk"))


def lease_left(message: OutboxMessage, now: dt.datetime) -> dt.timedelta:
    """How long our claim on this row still holds: no other worker can claim it before `lease_until`."""
    if message.lease_until is None:  # never for a row we claimed; counts as no lease left, so renewing decides
        return dt.timedelta(0)
    return message.lease_until - now


def outbox_renew(message: OutboxMessage, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Extend our lease to `now + lease`; False if it already ran out (another worker may have the row now).

    The worker calls this only when what is left of the lease is shorter than one send may take
    (see `outbox_send`): a row claimed for minutes needs no UPDATE before each message.
    """
    renewed = OutboxMessage.objects.filter(
        pk=message.pk, claim=message.claim, status=OutboxMessage.Status.SENDING, lease_until__gte=now
    ).update(lease_until=now + lease)
    if renewed:
        message.lease_until = now + lease
    return bool(renewed)


# Each email is marked sent on its own, right after the server accepted it, so a crash resends at most the one
# in flight. On PostgreSQL both rows change in one statement (a data-modifying WITH), atomic on its own: no
# transaction of two ORM UPDATEs around it (measured about 0.7 ms against 2 ms). Selects how many rows were ours.
MARK_SENT_SQL = """
    WITH sent AS (
        UPDATE {outbox} SET status = %(outbox_sent)s, sent_at = %(now)s, lease_until = NULL
        WHERE id = %(pk)s AND claim = %(claim)s
        RETURNING reminder_id
    ), reminder_sent AS (
        UPDATE {reminder} SET status = %(reminder_sent)s, error = ''
        WHERE id IN (SELECT reminder_id FROM sent)
    )
    SELECT count(*) FROM sent
"""


def outbox_mark_sent(message: OutboxMessage, now: dt.datetime) -> bool:
    """Mark sent if our claim still holds. False: the lease ran out and another worker took it over."""
    if connection.vendor == "postgresql":
        sql = MARK_SENT_SQL.format(outbox=OutboxMessage._meta.db_table, reminder=Reminder._meta.db_table)
        params: dict[str, Any] = {
            "outbox_sent": OutboxMessage.Status.SENT.value,
            "reminder_sent": Reminder.Status.SENT.value,
            "now": now,
            "pk": message.pk,
            "claim": message.claim,
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return bool(cursor.fetchone()[0])
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
            status=OutboxMessage.Status.SENT, sent_at=now, lease_until=None
        )
        if updated:
            Reminder.objects.filter(pk=message.reminder_id).update(status=Reminder.Status.SENT, error="")
    return bool(updated)


def outbox_mark_failed(message: OutboxMessage, now: dt.datetime, error: str) -> None:
    """Count a failed try: retry later with backoff, or, after MAX_FAILURES, give up and show it as failed."""
    failures = message.failures + 1
    error = error[:300]
    with transaction.atomic():
        rows = OutboxMessage.objects.filter(pk=message.pk, claim=message.claim)
        if failures >= MAX_FAILURES:
            rows.update(status=OutboxMessage.Status.FAILED, failures=failures, last_error=error, lease_until=None)
            Reminder.objects.filter(pk=message.reminder_id).update(status=Reminder.Status.FAILED, error=error)
        else:
            rows.update(
                status=OutboxMessage.Status.WAITING,
                failures=failures,
                last_error=error,
                lease_until=None,
                next_attempt_at=now + backoff(failures),
            )


def outbox_release(messages: list[OutboxMessage]) -> None:
    """Give back claimed rows we will not try now (shutting down), without counting a failure."""
    for message in messages:
        OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
            status=OutboxMessage.Status.WAITING, lease_until=None
        )


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


# --- Queued jobs (Django's tasks API, stored by django-tasks-db) --------------------------------


def _task_worker(worker: str) -> Any:
    """django-tasks-db's own Worker, used for its claim-and-run code; we drive the loop ourselves."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker[:64],
        excluded_queue_names=[],
    )


def jobs_run(*, worker: str, limit: int = 20, stopping: Callable[[], bool] = lambda: False) -> int:
    """Run up to `limit` queued jobs, claimed the way django-tasks-db's db_worker claims them."""
    if settings.TASKS.get("default", {}).get("BACKEND") != "django_tasks_db.DatabaseBackend":
        return 0
    from django.db.utils import OperationalError
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    runner = _task_worker(worker)
    done = 0
    while done < limit and not stopping():
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(runner.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                break
            raise
        if task_result is None:
            break
        runner.run_task(task_result)
        done += 1
    return done


# --- The loop ---------------------------------------------------------------------------------


@dataclass
class WorkerLoop:
    """Plan, settle due reminders, send the outbox, run queued jobs; again and again until told to stop."""

    worker: str = field(default_factory=lambda: f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}")
    lease: dt.timedelta = DEFAULT_LEASE
    batch: int = 50
    stop_requested: bool = False
    last_planned: dt.datetime | None = None

    def __post_init__(self) -> None:
        # One message may take up to the SMTP timeout; the lease must outlast it or two workers could send it.
        self.lease = max(self.lease, send_allowance())

    def stopping(self) -> bool:
        return self.stop_requested

    def step(self) -> int:
        """One pass over everything due. Returns how much work was done (0: nothing was due)."""
        if not connection.in_atomic_block:  # (tests run the loop inside their transaction)
            close_old_connections()
        now = timezone.now()
        work = 0
        if self.last_planned is None or now - self.last_planned >= PLAN_EVERY:
            reminders_plan(now=now)
            self.last_planned = now
        while not self.stopping() and (settled := reminders_dispatch(now=timezone.now(), batch=self.batch)):
            work += settled
        while not self.stopping() and (
            tried := outbox_send(worker=self.worker, lease=self.lease, batch=self.batch, stopping=self.stopping)
        ):
            work += tried
        if not self.stopping():
            work += jobs_run(worker=self.worker, stopping=self.stopping)
        return work
