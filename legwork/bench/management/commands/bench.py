"""Benchmark Legwork under load beside the ceiling: `manage.py bench --size small|large` (what `make bench` runs).

Migrates, seeds the scale practice if needed, serves it with gunicorn and the
deployment settings, drives each page from wrk (or a Python generator) and prints
requests/s, p50/p95/p99, queries per request and the share of the trivial view's
requests/s; writes the same to var/bench/<time>-<size>-<db>.json. On PostgreSQL it
also measures the reminders worker with 1 and 2 processes.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from legwork.bench import runner
from legwork.bench.loadgen import wrk_available
from legwork.bench.management.commands.seed_scale import ensure_seeded
from legwork.bench.seed import SIZES


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--coaches", type=int, help="instead of --size: this many coaches")
        parser.add_argument("--seconds", type=float, default=5, help="load time per endpoint")
        parser.add_argument("--connections", type=int, default=runner.CONNECTIONS)
        parser.add_argument("--workers", type=int, default=runner.WORKERS, help="gunicorn worker processes")
        parser.add_argument("--only", action="append", help="only this endpoint (repeatable), e.g. 'coach home'")
        parser.add_argument("--reminders", type=int, default=2000, help="emails for the worker benchmark")
        parser.add_argument("--skip-worker", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        write = self.stdout.write
        coaches = options["coaches"] or SIZES[options["size"]]
        size = options["size"] if not options["coaches"] else f"{coaches}coaches"
        db = connection.vendor
        if options["seconds"] <= 0 or options["connections"] < 1 or options["workers"] < 1:
            raise CommandError("--seconds, --connections and --workers must be positive.")
        write(f"==> Database: {db}; migrating")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        write(f"==> Scale practice: {coaches} coaches")
        ensure_seeded(coaches, write=write)
        generator = "wrk" if ensure_wrk(write) else "python (legwork.bench.loadgen)"
        when = dt.datetime.now(dt.UTC)
        write(f"==> Pages: {options['seconds']:g} s per endpoint, {options['connections']} connections, {generator}")
        rows = runner.bench_pages(
            seconds=options["seconds"],
            connections=options["connections"],
            workers=options["workers"],
            write=write,
            only=options["only"],
        )
        worker: list[dict[str, Any]] | str
        if options["skip_worker"]:
            worker = "skipped (--skip-worker)"
        elif "worker" not in get_commands():
            worker = "skipped: the reminders worker does not exist yet"
        elif db != "postgresql":
            worker = "skipped: measured on PostgreSQL only (SQLite workers take turns)"
        else:
            worker = []
            for processes in (1, 2):
                write(f"==> Worker: {options['reminders']} reminders, {processes} process(es), local SMTP sink")
                worker.append(runner.bench_worker(count=options["reminders"], processes=processes, write=write))
        results = {
            "size": size,
            "coaches": coaches,
            "db": db,
            "started_at": when.isoformat(timespec="seconds"),
            "machine": {"cpus": _cpus(), "python": platform.python_version(), "platform": platform.platform()},
            "server": {
                "gunicorn_workers": options["workers"],
                "settings": runner.BENCH_SETTINGS,
                "debug": False,
                # libpq's PGOPTIONS, e.g. "-c jit=off", passes to every process: recorded so runs compare fairly.
                "pgoptions": os.environ.get("PGOPTIONS", ""),
            },
            "load": {"generator": generator, "connections": options["connections"], "seconds": options["seconds"]},
            "endpoints": rows,
            "worker": worker,
        }
        folder = settings.VAR_DIR / "bench"
        earlier = runner.previous_run(folder, size=size, db=db, pgoptions=os.environ.get("PGOPTIONS", ""))
        path = runner.write_results(results, folder, size=size, db=db, when=when)
        write("")
        for line in runner.format_table(rows):
            write(line)
        if isinstance(worker, str):
            write(f"worker: {worker}")
        else:
            for run in worker:
                write(f"worker ×{run['processes']}: {run['per_second']} reminders/s ({run['sent']}/{run['reminders']})")
        if earlier:
            write("")
            for line in runner.growth_lines(rows, earlier):
                write(line)
        write("\nAs Markdown:")
        for line in runner.markdown_table(rows):
            write(line)
        write(self.style.SUCCESS(f"\nWritten to {path}"))


def ensure_wrk(write: Any) -> bool:
    """Debian's wrk, installed when we are root and it is missing; else the Python generator is used."""
    if wrk_available():
        return True
    if shutil.which("apt-get") and _is_root():
        write("==> Installing Debian's wrk (apt-get install wrk)")
        subprocess.run(  # noqa: S603
            ["apt-get", "install", "-y", "-qq", "wrk"],  # noqa: S607
            check=False,
            capture_output=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
    if not wrk_available():
        write("    wrk is not available: using the Python load generator (slower, so the ceiling is lower)")
    return wrk_available()


def _is_root() -> bool:
    return os.geteuid() == 0


def _cpus() -> int | None:
    return os.cpu_count()
