"""The worker's loop: plan, settle due reminders, send the outbox (email, push), run queued jobs (`worker`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import socket
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils import timezone
from django.utils.module_loading import import_string

from legwork.lib.heartbeat import BEAT_EVERY, worker_beat
from legwork.lib.jobs import jobs_run

from .delivery import DEFAULT_LEASE, outbox_send, send_allowance
from .dispatch import reminders_dispatch
from .planning import reminders_plan
from .push import push_send

PLAN_EVERY = dt.timedelta(minutes=1)
# Other apps' periodic work (reading replies by email: `legwork.conversation.replies.replies_poll`) is named
# in settings.WORKER_STEPS, so this app imports none of them; each runs at most this often, and a failure
# (a mailbox that is down) is logged and tried again next time, never the end of the worker.
STEPS_EVERY = dt.timedelta(seconds=30)
logger = logging.getLogger("legwork.reminders")


@dataclass
class WorkerLoop:
    """Plan, settle due reminders, send the outbox, run queued jobs; again and again until told to stop."""

    worker: str = field(default_factory=lambda: f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}")
    lease: dt.timedelta = DEFAULT_LEASE
    batch: int = 50
    stop_requested: bool = False
    last_planned: dt.datetime | None = None
    # Reminders settled per transaction when smaller than `batch`, after lost database connections.
    settle_batch: int = 0
    last_steps: dt.datetime | None = None
    # When this worker last said it is alive (the health page reads it; legwork/lib/heartbeat.py).
    last_beat: dt.datetime | None = None

    def __post_init__(self) -> None:
        # One message may take up to the SMTP timeout; the lease must outlast it or two workers could send it.
        self.lease = max(self.lease, send_allowance())

    def stopping(self) -> bool:
        return self.stop_requested

    def _dispatch(self) -> int:
        """Settle a batch; after a lost database connection, reconnect and try again with a smaller one.

        A batch is one transaction, and one cut short by a lost connection is rolled back whole, so a
        database that drops connections every second must still see batches small enough to commit.
        """
        try:
            settled = reminders_dispatch(now=timezone.now(), batch=self.settle_batch or self.batch)
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                raise
            with contextlib.suppress(OperationalError, InterfaceError):
                connection.close()
            self.settle_batch = max(1, (self.settle_batch or self.batch) // 2)
            logger.warning("Database connection lost while settling; trying %s at a time", self.settle_batch)
            return 0
        if self.settle_batch:
            self.settle_batch = min(self.batch, self.settle_batch * 2)
        return settled

    def step(self) -> int:
        """One pass over everything due. Returns how much work was done (0: nothing was due)."""
        if not connection.in_atomic_block:  # (tests run the loop inside their transaction)
            close_old_connections()
        now = timezone.now()
        work = 0
        if self.last_planned is None or now - self.last_planned >= PLAN_EVERY:
            reminders_plan(now=now)
            self.last_planned = now
        # Settle a batch, send what it queued, and again: the first emails go out while most due reminders are
        # still to be rendered, not after all of them. A server that looks unwell is left until the next pass.
        sending = True
        while not self.stopping():
            settled = self._dispatch()
            tried = 0
            while sending and not self.stopping():
                sent = outbox_send(worker=self.worker, lease=self.lease, batch=self.batch, stopping=self.stopping)
                if sent.server_unwell:  # counts as no work, so the worker waits its interval before trying again
                    sending = False
                    break
                tried += sent.tried
                if not sent.tried or tried >= self.batch:
                    break
            # Push notifications go to other servers than the mail server, so an unwell one holds back neither.
            pushed = 0
            while not self.stopping():
                pass_ = push_send(worker=self.worker, lease=self.lease, batch=self.batch, stopping=self.stopping)
                pushed += pass_.tried
                if not pass_.tried or pushed >= self.batch:
                    break
            tried += pushed
            work += settled + tried
            if not settled and not tried:
                break
        if not self.stopping():
            work += jobs_run(worker=self.worker, stopping=self.stopping)
        if not self.stopping() and (self.last_steps is None or now - self.last_steps >= STEPS_EVERY):
            self.last_steps = now
            work += self._other_steps()
        self._beat()
        return work

    def _other_steps(self) -> int:
        done = 0
        for path in settings.WORKER_STEPS:
            try:
                done += int(import_string(path)() or 0)
            except Exception:
                logger.exception("%s failed; it runs again in %s", path, STEPS_EVERY)
        return done

    def _beat(self) -> None:
        now = timezone.now()
        if self.last_beat is None or now - self.last_beat >= BEAT_EVERY:
            worker_beat.send(sender=type(self), worker=self.worker, at=now)
            self.last_beat = now
