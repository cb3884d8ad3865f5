"""The outbox: each email or push notification a row, rendered when its reminder fell due, claimed, then marked.

A crash between claim and send leaves the row claimed until its lease runs out;
then any worker claims it again, so nothing is lost. See delivery.py for the sending.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.urls import reverse

from legwork.lib.emails import build_email

from .models import Kind, OutboxMessage, Reminder, message_id_for
from .services import unsubscribe_token
from .text import one_line

logger = logging.getLogger("legwork.reminders")

# A temporary failure (4xx, refused connection, timeout) is tried again after a back-off that grows to an
# hour and stays there, for as long as a mail outage reasonably lasts; then the reminder is marked failed and
# the person sees it in the app. A permanent one (5xx for the recipient or the message) fails at once.
BACKOFF = [dt.timedelta(minutes=m) for m in (1, 5, 15, 30, 60)]
RETRY_FOR = dt.timedelta(days=3)
# A lost database connection is reconnected and the (idempotent) statement tried again, for up to this long.
DB_RETRY_FOR = 30.0

EMAIL_TEMPLATES = {
    Kind.HOMEWORK_WAITING: "reminder-homework-waiting",
    Kind.MIDPOINT: "nudge-midpoint",
    Kind.BEFORE_SESSION: "reminder-before-session",
    Kind.THINKING_TIME: "reminder-thinking-time",
    Kind.COACH_DAY: "coach_day",
    Kind.HOMEWORK_ANSWERED: "coach_homework-answered",
    Kind.DIGEST: "digest-weekly",
    Kind.HANDOVER: "reminder-handover",
    Kind.THREAD: "thread-message",
    Kind.ACKNOWLEDGED: "acknowledged",
}


def render_outbox(reminder: Reminder) -> OutboxMessage:
    """The email for a reminder, rendered from its template trio, ready to be claimed and sent."""
    recipient = reminder.recipient
    key = f"reminder:{reminder.pk}"
    message_id = message_id_for(key)
    unsubscribe_url = settings.SITE_ROOT + reverse("reminders_unsubscribe", args=[unsubscribe_token(recipient)])
    headers = {
        "Message-ID": message_id,
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    if reminder.reply_to:
        # A thread email: a reply goes to the recipient's own signed address (see conversation/replies.py).
        headers["Reply-To"] = reminder.reply_to
    context = {
        "reminder": reminder,
        "recipient": recipient,
        "name": one_line(recipient.display_name),
        "items": reminder.items,
        "link": settings.SITE_ROOT + reminder.link if reminder.link else settings.SITE_ROOT,
        "preferences_url": settings.SITE_ROOT + reverse("reminders_preferences"),
        "inbox_url": settings.SITE_ROOT + reverse("reminders_inbox"),
        "unsubscribe_url": unsubscribe_url,
    }
    email = build_email(EMAIL_TEMPLATES[Kind(reminder.kind)], recipient.email, context, headers)
    html = email.alternatives[0][0] if email.alternatives else ""
    return OutboxMessage(
        idempotency_key=key,
        message_id=message_id,
        reminder=reminder,
        to=recipient.email,
        subject=one_line(str(email.subject)),
        text=str(email.body),
        html=str(html),
        headers=headers,
    )


def backoff(failures: int) -> dt.timedelta:
    return BACKOFF[min(failures, len(BACKOFF)) - 1]


def db_retry[T](operation: Callable[[], T], *, within: float = DB_RETRY_FOR) -> T:
    """Run an idempotent database operation; if the connection is lost, reconnect and run it again.

    A worker must not lose track of what the SMTP server already accepted because its database
    connection dropped (a restart, a failover, pg_terminate_backend): every statement the outbox
    runs after a send is conditional on our claim, so running it twice is harmless. Inside a
    transaction nothing can be retried, so the error goes up.
    """
    give_up = time.monotonic() + within
    pause = 0.05
    while True:
        try:
            return operation()
        except (OperationalError, InterfaceError) as error:
            if connection.in_atomic_block or time.monotonic() > give_up:
                raise
            logger.warning("Database connection lost (%s); reconnecting", str(error).strip()[:200])
            with contextlib.suppress(OperationalError, InterfaceError):  # closed all the same
                connection.close()
            time.sleep(pause)  # a moment for the database to come back, not waiting on a result
            pause = min(pause * 2, 1.0)


def outbox_claim(
    *,
    worker: str,
    now: dt.datetime,
    lease: dt.timedelta,
    batch: int,
    channel: str = OutboxMessage.Channel.EMAIL,
) -> list[OutboxMessage]:
    """Claim up to `batch` claimable rows of one channel for this worker until `now + lease`; returns them.

    PostgreSQL: SELECT … FOR UPDATE SKIP LOCKED, so workers never wait on each other.
    SQLite: a conditional UPDATE that re-checks the claimable condition; rows another
    worker took in between simply don't match, and the row count says how many are ours.
    """
    token = f"{worker}:{uuid.uuid4().hex}"[:64]
    claim = {"status": OutboxMessage.Status.SENDING, "lease_until": now + lease, "claim": token}

    def take() -> list[OutboxMessage]:
        # Run again after a lost connection, with the same token: rows a lost attempt did claim are read back.
        if connection.vendor == "postgresql":
            with transaction.atomic():
                ids = list(
                    OutboxMessage.objects.claimable(now, channel)
                    .order_by("next_attempt_at", "pk")
                    .select_for_update(skip_locked=True)
                    .values_list("pk", flat=True)[:batch]
                )
                OutboxMessage.objects.filter(pk__in=ids).update(**claim)
        else:
            ids = list(
                OutboxMessage.objects.claimable(now, channel)
                .order_by("next_attempt_at", "pk")
                .values_list("pk", flat=True)[:batch]
            )
            OutboxMessage.objects.claimable(now, channel).filter(pk__in=ids).update(**claim)
        return list(OutboxMessage.objects.filter(claim=token).order_by("next_attempt_at", "pk"))

    return db_retry(take)


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
    renewed = db_retry(
        lambda: OutboxMessage.objects.filter(
            pk=message.pk, claim=message.claim, status=OutboxMessage.Status.SENDING, lease_until__gte=now
        ).update(lease_until=now + lease)
    )
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
    """Mark sent if our claim still holds. False: the lease ran out and another worker took it over.

    Called right after the SMTP server accepted the message; a lost database connection is
    reconnected and the mark made again (see `db_retry`), so an accepted email is not sent twice.
    """
    return db_retry(lambda: _mark_sent(message, now))


def _mark_sent(message: OutboxMessage, now: dt.datetime) -> bool:
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
            row = cursor.fetchone()
            return bool(row and row[0])
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message.pk, claim=message.claim).update(
            status=OutboxMessage.Status.SENT, sent_at=now, lease_until=None
        )
        if updated:
            Reminder.objects.filter(pk=message.reminder_id).update(status=Reminder.Status.SENT, error="")
    return bool(updated)


def outbox_mark_failed(message: OutboxMessage, now: dt.datetime, error: str, *, permanent: bool = False) -> None:
    """Count a failed try: a permanent one fails at once; a temporary one is retried with back-off until it
    has been failing for RETRY_FOR, and then fails. A failed reminder shows as such in the person's inbox."""
    failures = message.failures + 1
    error = error[:300]
    failing_since = message.failing_since or now
    give_up = permanent or now - failing_since >= RETRY_FOR

    def mark() -> None:
        with transaction.atomic():
            rows = OutboxMessage.objects.filter(pk=message.pk, claim=message.claim)
            if give_up:
                updated = rows.update(
                    status=OutboxMessage.Status.FAILED, failures=failures, last_error=error, lease_until=None
                )
                if updated:
                    # A reminder that reached the person on another channel (the email, another device) was sent.
                    Reminder.objects.filter(pk=message.reminder_id).exclude(status=Reminder.Status.SENT).update(
                        status=Reminder.Status.FAILED, error=error
                    )
            else:
                rows.update(
                    status=OutboxMessage.Status.WAITING,
                    failures=failures,
                    failing_since=failing_since,
                    last_error=error,
                    lease_until=None,
                    next_attempt_at=now + backoff(failures),
                )

    db_retry(mark)


def outbox_release(messages: list[OutboxMessage]) -> None:
    """Give back claimed rows we will not try now (shutting down, or the server went silent), without a failure."""
    if not messages:
        return
    claims = [(message.pk, message.claim) for message in messages]

    def release() -> None:
        for pk, claim in claims:
            OutboxMessage.objects.filter(pk=pk, claim=claim).update(
                status=OutboxMessage.Status.WAITING, lease_until=None
            )

    db_retry(release)
