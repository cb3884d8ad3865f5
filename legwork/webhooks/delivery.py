"""Sending deliveries: claimed with a lease, POSTed with a signature, marked, retried with back-off.

The worker runs `webhooks_send` among its steps (settings.WORKER_STEPS). Like the email
outbox (reminders/outbox.py), a row is claimed with a lease, so two workers never both
send it and one that crashed mid-send leaves it to be claimed again once the lease ran out;
every mark after a send is conditional on our claim and retried on a lost database
connection (`db_retry`). A receiver may still see a delivery twice (a crash between its 2xx
and our mark): the `Legwork-Delivery` header is the same on every try, for it to drop a repeat.

Each POST has one overall deadline (`WEBHOOKS_TIMEOUT`), not only a timeout per read, so a
receiver that drips its answer cannot hold a worker or outlast the lease.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import logging
import socket
import ssl
import threading
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from legwork.lib import emails
from legwork.practice.models import Membership
from legwork.reminders.outbox import db_retry

from . import payloads
from .addresses import UnsafeURL, parse, resolve
from .models import Webhook, WebhookDelivery

logger = logging.getLogger("legwork.webhooks")

# A failed try is tried again after 1, 2, 4, … minutes, at most 6 hours apart, 10 tries in all (about 8.5 hours);
# then the delivery is marked failed. 20 failed tries in a row, over all its deliveries, turn the webhook off.
BACKOFF_FIRST = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
MAX_ATTEMPTS = 10
DISABLE_AFTER = 20
BATCH = 20
RESPONSE_EXCERPT = 300
USER_AGENT = "Legwork-Webhooks/1"


def backoff(attempts: int) -> dt.timedelta:
    """The pause after the `attempts`-th failed try: doubling from BACKOFF_FIRST, never more than BACKOFF_CAP."""
    pause: dt.timedelta = BACKOFF_FIRST * (2 ** max(attempts - 1, 0))
    return min(pause, BACKOFF_CAP)


def lease_for(batch: int) -> dt.timedelta:
    """Long enough for every POST of a batch to run to its deadline, and a margin to mark them."""
    return dt.timedelta(seconds=batch * (settings.WEBHOOKS_TIMEOUT + 1) + 30)


@dataclass
class Answer:
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked beforehand, not to whatever the host name resolves to by then."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is checked against the host name of the URL (SNI too), as for any HTTPS request.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST `body` to `url` once, to an address checked just now; the answer or what went wrong. No redirects."""
    try:
        scheme, host, port = parse(url)
        address = str(resolve(host, port)[0])
    except UnsafeURL as error:
        return Answer(error=error.message)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    cls = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    conn = cls(host, port, address, timeout)
    # One deadline for the whole exchange: when it passes, the socket is shut and the blocked read fails.
    watchdog = threading.Timer(timeout, lambda: _shut(conn))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT).decode("utf-8", "replace")
        return Answer(status_code=response.status, excerpt=excerpt)
    except (OSError, http.client.HTTPException) as error:
        return Answer(error=f"{type(error).__name__}: {error}"[:300] if str(error) else type(error).__name__)
    finally:
        watchdog.cancel()
        conn.close()


def _shut(conn: http.client.HTTPConnection) -> None:
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def headers_for(delivery: WebhookDelivery, body: bytes, now: dt.datetime) -> dict[str, str]:
    timestamp = int(now.timestamp())
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Legwork-Delivery": str(delivery.delivery_id),
        "Legwork-Event": delivery.event,
        "Legwork-Signature": delivery.webhook.sign(body, timestamp),
    }


def deliveries_claim(*, worker: str, now: dt.datetime, lease: dt.timedelta, batch: int) -> list[WebhookDelivery]:
    """Claim up to `batch` due deliveries for this worker until `now + lease` (as `outbox_claim` does)."""
    token = f"{worker}:{uuid.uuid4().hex}"[:64]
    claim = {"status": WebhookDelivery.Status.SENDING, "lease_until": now + lease, "claim": token}

    def take() -> list[WebhookDelivery]:
        due = WebhookDelivery.objects.claimable(now).order_by("next_attempt_at", "pk")
        if connection.vendor == "postgresql":
            with transaction.atomic():
                ids = list(due.select_for_update(skip_locked=True, of=("self",)).values_list("pk", flat=True)[:batch])
                WebhookDelivery.objects.filter(pk__in=ids).update(**claim)
        else:
            ids = list(due.values_list("pk", flat=True)[:batch])
            WebhookDelivery.objects.claimable(now).filter(pk__in=ids).update(**claim)
        return list(
            WebhookDelivery.objects.filter(claim=token).select_related("webhook").order_by("next_attempt_at", "pk")
        )

    return db_retry(take)


def delivery_attempt(delivery: WebhookDelivery, *, now: dt.datetime) -> Answer:
    body = payloads.body(delivery.payload)
    return post(delivery.webhook.url, body, headers_for(delivery, body, now), timeout=settings.WEBHOOKS_TIMEOUT)


def delivery_mark(delivery: WebhookDelivery, answer: Answer, *, now: dt.datetime) -> None:
    """Record a try: delivered on a 2xx; otherwise tried again after `backoff`, or failed after MAX_ATTEMPTS.

    Only while our claim holds (a worker whose lease ran out marks nothing). The webhook's run of failures
    grows or is reset in the same transaction; at DISABLE_AFTER it is turned off and its owner told.
    """
    attempts = delivery.attempts + 1
    common = {
        "attempts": attempts,
        "status_code": answer.status_code,
        "response_excerpt": answer.excerpt[:RESPONSE_EXCERPT],
        "last_error": answer.error[:300],
        "last_attempt_at": now,
        "lease_until": None,
    }
    if answer.ok:
        fields = {**common, "status": WebhookDelivery.Status.DELIVERED, "delivered_at": now}
    elif attempts >= MAX_ATTEMPTS:
        fields = {**common, "status": WebhookDelivery.Status.FAILED}
    else:
        fields = {**common, "status": WebhookDelivery.Status.WAITING, "next_attempt_at": now + backoff(attempts)}

    def mark() -> bool:
        with transaction.atomic():
            if not WebhookDelivery.objects.filter(pk=delivery.pk, claim=delivery.claim).update(**fields):
                return False
            hooks = Webhook.objects.filter(pk=delivery.webhook_id)
            if answer.ok:
                hooks.update(consecutive_failures=0)
                return False
            hooks.update(consecutive_failures=F("consecutive_failures") + 1)
            return bool(
                hooks.filter(active=True, consecutive_failures__gte=DISABLE_AFTER).update(
                    active=False,
                    disabled_at=now,
                    disabled_reason=f"{DISABLE_AFTER} failed tries in a row; the last: "
                    + (f"HTTP {answer.status_code}" if answer.status_code else answer.error)[:200],
                )
            )

    if db_retry(mark):
        webhook_tell_disabled(Webhook.objects.get(pk=delivery.webhook_id))


def webhook_tell_disabled(webhook: Webhook) -> None:
    """Email the webhook's owner (a coach, or the practice's admins) that it was turned off, and why."""
    if webhook.coach is not None:
        people = [webhook.coach]
    else:
        admins = Membership.objects.active().admins().filter(practice=webhook.practice).select_related("user")
        people = [membership.user for membership in admins]
    for person in people:
        try:
            emails.send(
                "webhook-disabled",
                person.email,
                {
                    "webhook": webhook,
                    "url": settings.SITE_ROOT + webhook.get_absolute_url(),
                    "name": person.display_name,
                },
                to_name=person.display_name,
            )
        except Exception:
            logger.exception("Could not tell %s that webhook %s was turned off", person.pk, webhook.pk)


def deliveries_prune(*, now: dt.datetime) -> int:
    """Forget finished deliveries older than WEBHOOKS_KEEP_DAYS. Returns how many went.

    A delivered or failed row is kept only for the webhook's log; waiting and sending rows
    are never touched, however old, so nothing still owed is lost.
    """
    cutoff = now - dt.timedelta(days=settings.WEBHOOKS_KEEP_DAYS)
    finished = [WebhookDelivery.Status.DELIVERED, WebhookDelivery.Status.FAILED]
    deleted, _ = WebhookDelivery.objects.filter(status__in=finished, created_at__lt=cutoff).delete()
    return deleted


def webhooks_send(*, worker: str = "", batch: int = BATCH, limit: int = 200) -> int:
    """The worker's step: send what is due, batch by batch, up to `limit` tries. Returns how many were tried."""
    worker = worker or f"{socket.gethostname()}-webhooks"
    deliveries_prune(now=timezone.now())
    tried = 0
    while tried < limit:
        now = timezone.now()
        claimed = deliveries_claim(worker=worker, now=now, lease=lease_for(batch), batch=batch)
        if not claimed:
            break
        for delivery in claimed:
            answer = delivery_attempt(delivery, now=timezone.now())
            delivery_mark(delivery, answer, now=timezone.now())
            tried += 1
    return tried
