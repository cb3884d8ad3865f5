"""The worker's loop: plan, settle due reminders, send the outbox, run queued jobs (the `worker` command)."""

from __future__ import annotations

import datetime as dt
import socket
import uuid
from dataclasses import dataclass, field

from django.db import close_old_connections, connection
from django.utils import timezone

from legwork.lib.jobs import jobs_run

from .delivery import DEFAULT_LEASE, outbox_send, send_allowance
from .dispatch import reminders_dispatch
from .planning import reminders_plan

PLAN_EVERY = dt.timedelta(minutes=1)


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
        # Settle a batch, send what it queued, and again: the first emails go out while most due reminders are
        # still to be rendered, not after all of them. A server that looks unwell is left until the next pass.
        sending = True
        while not self.stopping():
            settled = reminders_dispatch(now=timezone.now(), batch=self.batch)
            tried = 0
            while sending and not self.stopping():
                sent = outbox_send(worker=self.worker, lease=self.lease, batch=self.batch, stopping=self.stopping)
                if sent.server_unwell:  # counts as no work, so the worker waits its interval before trying again
                    sending = False
                    break
                tried += sent.tried
                if not sent.tried or tried >= self.batch:
                    break
            work += settled + tried
            if not settled and not tried:
                break
        if not self.stopping():
            work += jobs_run(worker=self.worker, stopping=self.stopping)
        return work
