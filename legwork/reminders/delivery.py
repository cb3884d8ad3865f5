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
import logging
import smtplib
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.policy import Policy
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


def outbox_renew(message: OutboxMessage, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Extend our lease just before sending; False if it already ran out (another worker may have the row now).

    So a row is only ever sent by a worker whose lease was valid a moment ago and runs
    for another `lease`: longer than one message can take (the SMTP timeout).
    """
    return bool(
        OutboxMessage.objects.filter(
            pk=message.pk, claim=message.claim, status=OutboxMessage.Status.SENDING, lease_until__gte=now
        ).update(lease_until=now + lease)
    )


def outbox_mark_sent(message: OutboxMessage, now: dt.datetime) -> bool:
    """Mark sent if our claim still holds. False: the lease ran out and another worker took it over."""
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


class ReminderEmail(EmailMultiAlternatives):
    def message(self, *, policy: Policy | None = email.policy.default) -> Any:
        # The List-Unsubscribe URL must stay one unbroken line: folded, Python would write it as RFC 2047
        # encoded words, which mail clients do not decode in that header. 998 is SMTP's own line limit.
        return super().message(policy=(policy or email.policy.default).clone(max_line_length=998))


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
            if not outbox_renew(message, timezone.now(), lease):
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
        self.lease = max(self.lease, dt.timedelta(seconds=settings.SMTP_TIMEOUT + 1))

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
