"""What the health page checks: the database, the cache, the worker's heartbeat, the outbox and due reminders.

Each check returns numbers only (ages in seconds, counts), never a name, address or title: the page
is open to load balancers and uptime monitors, which are nobody's coach.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.db.models import Max, Min
from django.utils import timezone

from legwork.reminders.models import OutboxMessage, Reminder

from .models import WorkerHeartbeat


@dataclass
class Check:
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, **self.detail}


def age(now: dt.datetime, then: dt.datetime | None) -> int | None:
    return None if then is None else max(0, int((now - then).total_seconds()))


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check(False, {"error": type(error).__name__})
    return Check(True)


def check_cache() -> Check:
    # Sessions and sign-in limits live in the cache: a web process that cannot write it cannot sign anyone in.
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", 30)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except DatabaseError as error:
        return Check(False, {"error": type(error).__name__})
    return Check(ok)


def check_worker(now: dt.datetime) -> Check:
    last = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    seconds = age(now, last)
    return Check(seconds is not None and seconds <= settings.HEALTH_WORKER_MAX_AGE, {"last_seen_seconds": seconds})


def check_outbox(now: dt.datetime) -> Check:
    """Emails whose time to be sent has come: a few are normal, an old one means sending is stuck."""
    due = OutboxMessage.objects.claimable(now)
    found = due.aggregate(oldest=Min("next_attempt_at"))
    seconds = age(now, found["oldest"])
    return Check(
        seconds is None or seconds <= settings.HEALTH_BACKLOG_MAX_AGE,
        {"due": due.count(), "oldest_due_seconds": seconds},
    )


def check_reminders(now: dt.datetime) -> Check:
    """The oldest reminder that fell due and was not yet settled (emailed, put in the inbox or skipped)."""
    oldest = Reminder.objects.due(now).aggregate(oldest=Min("due_at"))["oldest"]
    seconds = age(now, oldest)
    return Check(seconds is None or seconds <= settings.HEALTH_BACKLOG_MAX_AGE, {"oldest_due_seconds": seconds})


def health(*, web_only: bool = False) -> dict[str, Check]:
    """The checks by name. `web_only`: what a load balancer needs to know about this web process alone."""
    checks = {"database": check_database(), "cache": check_cache()}
    if web_only or not checks["database"].ok:
        return checks
    now = timezone.now()
    checks["worker"] = check_worker(now)
    checks["outbox"] = check_outbox(now)
    checks["reminders"] = check_reminders(now)
    return checks
