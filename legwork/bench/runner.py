"""The benchmark: the real server under load, page by page, beside the ceiling.

`manage.py bench` seeds the scale practice if needed, signs in scale coach 0 and
their first client, counts each endpoint's queries in this process, starts
gunicorn with the deployment settings (plus the ceiling endpoints, see
legwork/bench/settings.py) on a free loopback port, and drives each endpoint from a
separate load-generator process. See docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.middleware.csrf import CSRF_ALLOWED_CHARS
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string

from legwork.accounts.models import User
from legwork.bench.loadgen import LoadResult, run_load
from legwork.bench.seed import client_email, coach_email
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, ProgressEntry
from legwork.lib.testing import free_port
from legwork.practice.models import Membership

# Two cores: gunicorn's own rule, 2 × cores + 1 sync workers, and twice as many connections as workers.
WORKERS = 5
CONNECTIONS = 10
BENCH_SETTINGS = "legwork.bench.settings"
RAW_PATH = "/bench/raw/"
TRIVIAL_PATH = "/bench/trivial/"
# What the progress POST writes: removed after the run, so runs do not pile entries onto one homework.
BENCH_NOTE = "Benchmark: twenty minutes on the cover letter."

Write = Callable[[str], None]


@dataclass
class Endpoint:
    name: str
    path: str | None  # None: its URL name does not resolve yet, skipped
    role: str | None = None  # whose session cookie it sends: "coach", "client" or none
    method: str = "GET"
    data: dict[str, str] = field(default_factory=dict)
    htmx: bool = False
    ceiling: bool = False
    note: str = ""


@dataclass
class Visitor:
    """A signed-in person: a test client for counting queries and the cookies for the load generator."""

    user: User
    client: Client
    cookie: str


def path_or_none(name: str, args: list[Any] | None = None) -> str | None:
    try:
        return reverse(name, args=args or [])
    except NoReverseMatch:
        return None


def sign_in(user: User, csrf: str) -> Visitor:
    client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return Visitor(user, client, f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}")


def calendar_feed_path(user: User) -> str | None:
    """A fresh secret feed URL for the user, if the reminders app has feeds yet."""
    try:
        from legwork.reminders.services import feed_regenerate
    except ImportError:
        return None
    if path_or_none("calendar_feed_ics", ["x"]) is None:
        return None
    return reverse("calendar_feed_ics", args=[feed_regenerate(user=user)])


def practice_coach_path(owner: User) -> str | None:
    """The admin's page of another coach of the owner's practice (its second coach), if there is one."""
    member = Membership.objects.filter(practice__memberships__user=owner).exclude(user=owner).order_by("pk").first()
    return path_or_none("practice_member", [member.pk]) if member else None


def endpoints_for(coach: User, client: User) -> list[Endpoint]:
    """What a coach and a client open all day, and the two ceilings."""
    engagement = Engagement.objects.get(coach=coach, client=client, status=Engagement.Status.ACTIVE)
    brief_session = engagement.next_session() or engagement.last_held_session()
    homework = Homework.objects.filter(engagement=engagement).open().order_by("-due_on").first()
    prefix = f"progress-{homework.pk}" if homework else ""
    found = [
        Endpoint("client home", path_or_none("client_home"), role="client"),
        Endpoint("coach home", path_or_none("coach_home"), role="coach"),
        Endpoint("coach overview", path_or_none("coach_overview"), role="coach"),
        Endpoint("brief", path_or_none("brief", [brief_session.pk]) if brief_session else None, role="coach"),
        Endpoint(
            "progress POST",
            path_or_none("progress_log", [homework.pk]) if homework else None,
            role="client",
            method="POST",
            data={f"{prefix}-note": BENCH_NOTE, f"{prefix}-minutes": "20"},
            htmx=True,
        ),
        # Coach 0 owns practice 0: the admin's pages, which must stay flat as practices and coaches grow.
        Endpoint("practice admin", path_or_none("practice"), role="coach"),
        Endpoint("practice coach page", practice_coach_path(coach), role="coach"),
        Endpoint("calendar feed", calendar_feed_path(client)),
        Endpoint("trivial view", TRIVIAL_PATH, role="coach", ceiling=True),
        Endpoint("raw WSGI", RAW_PATH, ceiling=True, note="gunicorn alone, no Django"),
    ]
    return found


@dataclass
class Probe:
    """One endpoint measured in this process: queries, status, and the median time of a few requests."""

    queries: int | None = None
    status: int | None = None
    ms: float | None = None
    db_ms: float | None = None


def probe(endpoint: Endpoint, visitor: Visitor | None, *, repeat: int = 5) -> Probe:
    """Queries, status and server time of the endpoint, requested in this process through the bench URLconf."""
    if endpoint.path is None:
        return Probe()
    if endpoint.path == RAW_PATH:
        return Probe(queries=0, status=200)
    client = visitor.client if visitor else Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
    headers = {"HX-Request": "true"} if endpoint.htmx else {}
    timings: list[tuple[float, float, int, int]] = []
    with override_settings(ROOT_URLCONF="legwork.bench.urls"):
        for _ in range(repeat + 1):  # the first request does first-use work (template loading): not counted
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                if endpoint.method == "POST":
                    response = client.post(endpoint.path, endpoint.data, headers=headers)
                else:
                    response = client.get(endpoint.path, headers=headers)
                elapsed = time.perf_counter() - began
            db = sum(float(query["time"]) for query in queries.captured_queries)
            timings.append((elapsed * 1000, db * 1000, len(queries), response.status_code))
    ms, db_ms, count, status = sorted(timings[1:])[len(timings[1:]) // 2]
    return Probe(queries=count, status=status, ms=round(ms, 1), db_ms=round(db_ms, 1))


# --- The server ---------------------------------------------------------------------------------


def start_server(port: int, *, workers: int = WORKERS) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS, "DEBUG": "0"}
    command = [sys.executable, "-m", "gunicorn", "legwork.bench.wsgi:application", f"--workers={workers}"]
    command += [f"--bind=127.0.0.1:{port}", "--log-level=warning"]
    server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{TRIVIAL_PATH}", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    stop_process(server)
    raise RuntimeError("gunicorn did not answer within 60 seconds")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- Results ------------------------------------------------------------------------------------


def endpoint_result(
    endpoint: Endpoint, load: LoadResult | None, solo: LoadResult | None, measured: Probe
) -> dict[str, Any]:
    row: dict[str, Any] = {"name": endpoint.name, "path": endpoint.path, "method": endpoint.method}
    row |= {"ceiling": endpoint.ceiling, "queries": measured.queries, "status": measured.status, "note": endpoint.note}
    # Median of a few requests in the bench process, no HTTP: the view and middleware alone, and their queries' time.
    row |= {"in_process_ms": measured.ms, "db_ms": measured.db_ms}
    if load is not None and load.requests == 0:
        row["note"] = "no request finished within the run"
    if load is not None:
        row |= {"rps": round(load.rps, 1), "requests": load.requests, "errors": load.errors + load.status_errors}
        if load.requests:
            row |= {"p50_ms": load.p50_ms, "p95_ms": load.p95_ms, "p99_ms": load.p99_ms}
    if solo is not None and solo.requests:
        row["solo_p95_ms"] = solo.p95_ms  # one connection: the server's own time, no queueing
    return row


def add_ratios(rows: list[dict[str, Any]]) -> None:
    """Each endpoint's requests/s as a share of the trivial view's (the ceiling)."""
    trivial = next((row for row in rows if row["name"] == "trivial view" and row.get("rps")), None)
    for row in rows:
        if trivial and row.get("rps") is not None:
            row["vs_trivial"] = round(row["rps"] / trivial["rps"], 2)


def results_path(folder: Path, *, size: str, db: str, when: dt.datetime) -> Path:
    return folder / f"{when:%Y%m%dT%H%M%SZ}-{size}-{db}.json"


def write_results(results: dict[str, Any], folder: Path, *, size: str, db: str, when: dt.datetime) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = results_path(folder, size=size, db=db, when=when)
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


def previous_run(folder: Path, *, size: str, db: str, pgoptions: str = "") -> dict[str, Any] | None:
    """The newest earlier run of another size on the same database and PGOPTIONS, to show growth."""
    for path in sorted(folder.glob(f"*-{db}.json"), reverse=True):
        if path.name.endswith(f"-{size}-{db}.json"):
            continue
        try:
            run: dict[str, Any] = json.loads(path.read_text())
        except ValueError:
            continue
        if (run.get("server", {}).get("pgoptions") or "") == pgoptions:
            return run
    return None


def format_table(rows: list[dict[str, Any]]) -> list[str]:
    header = f"{'endpoint':<16} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'1-conn p95':>10} "
    header += f"{'queries':>7} {'vs trivial':>10} {'in-proc ms':>10} {'db ms':>6}"
    lines = [header, "-" * len(header)]

    def cell(row: dict[str, Any], key: str, width: int, spec: str = ".1f") -> str:
        value = row.get(key)
        return f"{value:>{width}{spec}}" if value is not None else f"{'–':>{width}}"

    for row in rows:
        if row.get("rps") is None:
            lines.append(f"{row['name']:<16} skipped: {row['note']}")
            continue
        lines.append(
            f"{row['name']:<16} {cell(row, 'rps', 8)} {cell(row, 'p50_ms', 8)} {cell(row, 'p95_ms', 8)} "
            f"{cell(row, 'p99_ms', 8)} {cell(row, 'solo_p95_ms', 10)} {cell(row, 'queries', 7, 'd')} "
            f"{cell(row, 'vs_trivial', 10, '.2f')} {cell(row, 'in_process_ms', 10)} {cell(row, 'db_ms', 6)}"
            + (f"  ({row['errors']} errors)" if row.get("errors") else "")
        )
    return lines


def markdown_table(rows: list[dict[str, Any]]) -> list[str]:
    """The same table for docs/performance.md and the README."""
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | 1-conn p95 ms | in-process ms | queries | vs trivial |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.get("rps") is None:
            lines.append(f"| {row['name']} | skipped: {row['note']} | | | | | | | |")
            continue
        cells = [row.get(key) for key in ("rps", "p50_ms", "p95_ms", "p99_ms", "solo_p95_ms", "in_process_ms")]
        shown = ["–" if value is None else f"{round(value, 1):g}" for value in cells]
        lines.append(
            f"| {row['name']} | {' | '.join(shown)} | {row.get('queries', '–')} | {row.get('vs_trivial', '–')} |"
        )
    return lines


def growth_lines(current: list[dict[str, Any]], earlier: dict[str, Any]) -> list[str]:
    before = {row["name"]: row for row in earlier.get("endpoints", [])}
    lines = [f"Growth from {earlier.get('size')} ({earlier.get('coaches')} coaches) to this run:"]
    for row in current:
        old = before.get(row["name"])
        if not old or row.get("rps") is None or old.get("rps") is None:
            continue
        lines.append(
            f"  {row['name']:<16} queries {old.get('queries')} → {row.get('queries')}, "
            f"1-conn p95 {old.get('solo_p95_ms')} → {row.get('solo_p95_ms')} ms, "
            f"in-process {old.get('in_process_ms')} → {row.get('in_process_ms')} ms, "
            f"p95 {old.get('p95_ms')} → {row.get('p95_ms')} ms"
        )
    return lines


# --- The run ------------------------------------------------------------------------------------


def bench_pages(
    *, seconds: float, connections: int, workers: int, write: Write, only: list[str] | None = None
) -> list[dict[str, Any]]:
    coach = User.objects.get(email=coach_email(0))
    client = User.objects.get(email=client_email(0, 0))
    csrf = get_random_string(32, CSRF_ALLOWED_CHARS)
    visitors = {"coach": sign_in(coach, csrf), "client": sign_in(client, csrf)}
    endpoints = [e for e in endpoints_for(coach, client) if not only or e.name in only]
    probes = {}
    write("  counting queries and timing each endpoint in this process…")
    request_log = logging.getLogger("django.request")
    level = request_log.level
    request_log.setLevel(logging.CRITICAL)  # a broken page is reported in the table, not with 6 tracebacks
    try:
        for endpoint in endpoints:
            if endpoint.path is None:
                endpoint.note = "its URL name does not resolve yet"
                continue
            probes[endpoint.name] = measured = probe(endpoint, visitors.get(endpoint.role or ""))
            if measured.status is None or measured.status >= 400:
                endpoint.note = f"answers {measured.status} in process"
    finally:
        request_log.setLevel(level)
    port = free_port()
    write(f"Starting gunicorn ({workers} sync workers, {BENCH_SETTINGS}, DEBUG off) on 127.0.0.1:{port}…")
    server = start_server(port, workers=workers)
    rows = []
    try:
        for endpoint in endpoints:
            measured = probes.get(endpoint.name, Probe())
            if endpoint.path is None or (measured.status is not None and measured.status >= 400):
                write(f"  {endpoint.name}: skipped ({endpoint.note})")
                rows.append(endpoint_result(endpoint, None, None, measured))
                continue
            visitor = visitors.get(endpoint.role or "")
            headers = {"Cookie": visitor.cookie} if visitor else {}
            body = ""
            if endpoint.method == "POST":
                headers |= {"X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"}
                body = urlencode(endpoint.data)
            if endpoint.htmx:
                headers["HX-Request"] = "true"
            url = f"http://127.0.0.1:{port}{endpoint.path}"
            kwargs: dict[str, Any] = {"method": endpoint.method, "body": body, "headers": headers}
            write(f"  {endpoint.name}: warming up, then {seconds:g} s × {connections} connections, 2 s × 1…")
            run_load(url, connections=connections, seconds=1, **kwargs)
            load = run_load(url, connections=connections, seconds=seconds, **kwargs)
            solo = run_load(url, connections=1, seconds=2, **kwargs)
            rows.append(endpoint_result(endpoint, load, solo, measured))
    finally:
        stop_process(server)
        ProgressEntry.objects.filter(engagement__client=client, note=BENCH_NOTE).delete()
    add_ratios(rows)
    return rows


def bench_worker(*, count: int, processes: int, write: Write) -> dict[str, Any]:
    """Reminders delivered per second by `processes` workers to a local SMTP sink."""
    from legwork.lib.testing import SMTPSink
    from legwork.reminders.models import OutboxMessage, Reminder, message_id_for

    tag = f"bench-{processes}-{time.time_ns()}"
    recipients = list(User.objects.filter(email__endswith="@scale.legwork.test", is_coach=False)[:count])
    now = timezone.now()
    reminders = Reminder.objects.bulk_create(
        [
            Reminder(
                recipient=recipients[n % len(recipients)],
                kind="homework_waiting",
                due_at=now,
                status=Reminder.Status.QUEUED,
                dedupe_key=f"{tag}:{n}",
                title="New homework is waiting for your “I'm in”",
                link="/today/",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                idempotency_key=reminder.dedupe_key,
                message_id=message_id_for(reminder.dedupe_key),
                reminder=reminder,
                to=reminder.recipient.email,
                subject="[Legwork] New homework is waiting for your “I'm in”",
                text=f"Open {settings.SITE_ROOT}/today/ to say “I'm in”.",
                html=f"<p>Open <a href='{settings.SITE_ROOT}/today/'>your homework</a> to say “I'm in”.</p>",
                next_attempt_at=now,
            )
            for reminder in reminders
        ],
        batch_size=1000,
    )
    mine = OutboxMessage.objects.filter(idempotency_key__startswith=f"{tag}:")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    sink = SMTPSink()
    sink.start()
    env = {**os.environ, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(sink.port), "DEBUG": "0"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, "manage.py", "worker", "--interval=0.2", "--verbosity=0"]
    workers = [subprocess.Popen(command, env=env, cwd=settings.BASE_DIR) for _ in range(processes)]  # noqa: S603
    began = time.monotonic()
    try:
        deadline = began + max(120, count / 20)
        while time.monotonic() < deadline:
            sent = mine.filter(status=OutboxMessage.Status.SENT).count()
            write(f"    {sent}/{count} sent after {time.monotonic() - began:.0f} s")
            if sent >= count:
                break
            time.sleep(2)
    finally:
        for worker in workers:
            stop_process(worker)
        sink.stop()
    times = sorted(t for t in mine.filter(status=OutboxMessage.Status.SENT).values_list("sent_at", flat=True) if t)
    span = (times[-1] - times[0]).total_seconds() if len(times) > 1 else 0.0
    # Everything sent in that window: ours, and any reminder the workers' own planner found due meanwhile.
    window = OutboxMessage.objects.filter(sent_at__gte=times[0], sent_at__lte=times[-1]).count() if times else 0
    result = {
        "processes": processes,
        "reminders": count,
        "sent": len(times),
        "sent_in_window": window,
        "received_by_sink": sink.count,
        "seconds": round(span, 2),
        "per_second": round((window - 1) / span, 1) if span else None,
    }
    Reminder.objects.filter(dedupe_key__startswith=f"{tag}:").delete()
    return result
