"""The background worker: sends due reminders and runs queued jobs.

It plans reminders for what lies ahead (sessions, thinking time, digests), settles
those that are due (email, inbox only, digest), sends the outbox over SMTP (claim
with a lease, send, mark sent) and runs jobs queued through Django's tasks API
(django-tasks-db). Any number of workers may run against PostgreSQL; on SQLite
they take turns. SIGTERM or SIGINT lets the message being sent finish, then exits.

    python manage.py worker            # loop until stopped (`make run` starts it)
    python manage.py worker --once     # process what is due now, then exit
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legwork.reminders.delivery import DEFAULT_LEASE
from legwork.reminders.worker import WorkerLoop

logger = logging.getLogger("legwork.reminders")


class Command(BaseCommand):
    help = "Send due reminders and run queued jobs (loops until SIGTERM; --once processes what is due and exits)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Process what is due now, then exit.")
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds to wait when nothing is due.")
        parser.add_argument(
            "--lease",
            type=float,
            default=DEFAULT_LEASE.total_seconds(),
            help="Seconds a claimed email stays ours before another worker may retry it.",
        )
        parser.add_argument("--batch", type=int, default=50, help="Emails claimed at a time.")

    def handle(self, *args: Any, once: bool, interval: float, lease: float, batch: int, **options: Any) -> None:
        loop = WorkerLoop(lease=dt.timedelta(seconds=lease), batch=max(1, batch))
        wake = threading.Event()

        def stop(signum: int, frame: Any) -> None:
            loop.stop_requested = True
            wake.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if options["verbosity"] > 0:
            self.stdout.write(f"Worker {loop.worker} started{' (once)' if once else ''}.")
        while not loop.stop_requested:
            try:
                work = loop.step()
            except Exception:
                # A bad row or a database hiccup must not stop reminders for everyone: log it, wait, go on.
                logger.exception("Worker pass failed")
                if once:
                    raise
                work = 0
            if once and not work:
                break
            if not work:
                wake.wait(interval)
        if options["verbosity"] > 0:
            self.stdout.write(f"Worker {loop.worker} stopped.")
