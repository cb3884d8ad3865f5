"""The worker as a real process against the test database and a real SMTP server.

The child gets the test database through DATABASE_URL: on PostgreSQL the test
database itself; on SQLite (in memory in tests) a file copy made with SQLite's
backup API, copied back into the test database when the children are done.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from conftest import make_engagement, make_homework, make_user
from legwork.lib.testing import SMTPSink, free_port
from legwork.reminders.models import Kind, OutboxMessage, Reminder, message_id_for

from .conftest import set_prefs

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
BASE_DIR = Path(settings.BASE_DIR)
# A bound for "the process got stuck", never a speed expectation.
STUCK = 120


class ChildDatabase:
    """Points worker processes at the test database (see the module docstring)."""

    def __init__(self, tmp_path: Path) -> None:
        self.logs = tmp_path
        self.sqlite_path: Path | None = None
        connection.ensure_connection()
        settings_dict = connection.settings_dict
        if connection.vendor == "sqlite":
            self.sqlite_path = tmp_path / "worker.sqlite3"
            self.url = f"sqlite:///{self.sqlite_path}"
        else:
            user = quote(settings_dict["USER"] or "")
            password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
            host = settings_dict["HOST"] or "127.0.0.1"
            port = settings_dict["PORT"] or 5432
            self.url = f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"

    def export(self) -> None:
        if self.sqlite_path is not None:
            target = sqlite3.connect(self.sqlite_path)
            connection.connection.backup(target)
            target.close()

    def import_back(self) -> None:
        if self.sqlite_path is not None:
            source = sqlite3.connect(self.sqlite_path)
            source.backup(connection.connection)
            source.close()


@pytest.fixture
def child_db(tmp_path: Path) -> ChildDatabase:
    return ChildDatabase(tmp_path)


@pytest.fixture
def sink() -> Iterator[SMTPSink]:
    server = SMTPSink()
    server.start()
    yield server
    server.stop()


def worker_env(child_db: ChildDatabase, smtp_port: int, timeout: int = 1) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EMAIL_", "DATABASE_"))}
    env.update(
        DATABASE_URL=child_db.url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT=str(timeout),
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        LEGWORK_TEST_LOGS=str(child_db.logs),
    )
    return env


class Worker(subprocess.Popen[bytes]):
    """`manage.py worker` with its output in a file (a pipe nobody reads could fill up and block it)."""

    log: Path

    def wait_started(self) -> None:
        wait_for(lambda: b"started" in self.log.read_bytes(), "the worker to start")

    def stop(self) -> None:
        """SIGTERM once the worker says it started: before that it has no handler and dies of the signal (-15)."""
        self.wait_started()
        self.send_signal(signal.SIGTERM)


def start_worker(env: dict[str, str], *args: str) -> Worker:
    command = [sys.executable, "manage.py", "worker", "--interval", "0.1", "--lease", "2", *args]
    log = Path(env["LEGWORK_TEST_LOGS"]) / f"worker-{time.monotonic_ns()}.log"
    with log.open("wb") as output:
        worker = Worker(command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    worker.log = log
    return worker


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + STUCK
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)  # polling a real server's count, not waiting for time to pass


def due_reminders(count: int, coaches: int = 10) -> list[str]:
    """`count` due reminders spread over a few coaches with no daily limit. Returns their expected Message-IDs."""
    rows = []
    now = timezone.now()
    for index in range(coaches):
        coach = make_user(f"coach{index}@example.com", is_coach=True)
        set_prefs(coach, emails_per_day=0, quiet_from=0, quiet_until=0)
        client = make_user(f"client{index}@example.com")
        homework = make_homework(make_engagement(coach, client), f"Homework {index}")
        rows += [
            Reminder(
                recipient=coach,
                kind=Kind.HOMEWORK_ANSWERED,
                homework=homework,
                title=f"{client.display_name} is in: “Homework {index}” #{n}",
                link=homework.get_absolute_url(),
                due_at=now - dt.timedelta(minutes=1),
                dedupe_key=f"load:{index}:{n}",
            )
            for n in range(count // coaches)
        ]
    Reminder.objects.bulk_create(rows)
    return [message_id_for(f"reminder:{pk}") for pk in Reminder.objects.values_list("pk", flat=True)]


def ids_at(sink: SMTPSink) -> Counter[str]:
    return Counter(str(message["Message-ID"]) for message in sink.messages)


def test_it_delivers_every_reminder_after_kill_9_at_several_points(child_db: ChildDatabase, sink: SMTPSink) -> None:
    expected = due_reminders(1000)
    child_db.export()
    env = worker_env(child_db, sink.port)
    kills = 0
    # Killed while starting up or settling the batch, then mid-way through sending, three times over.
    for point in (0, 1, 300, 650):
        worker = start_worker(env)
        if point == 0:
            worker.wait_started()  # it is now planning, claiming and settling
        else:

            def arrived(point: int = point) -> bool:
                return len(sink.messages) >= point

            wait_for(arrived, f"{point} messages")
        worker.send_signal(signal.SIGKILL)
        worker.wait(STUCK)
        kills += 1
    worker = start_worker(env)
    wait_for(lambda: len(sink.messages) >= len(expected) and set(ids_at(sink)) >= set(expected), "every reminder")
    worker.stop()
    assert worker.wait(STUCK) == 0
    child_db.import_back()

    received = ids_at(sink)
    assert set(received) == set(expected)  # every reminder delivered, nothing else
    # A kill between the server's "250 OK" and the worker's commit makes one resend, with the same Message-ID;
    # nothing else may ever be sent twice.
    resent = {message_id: count for message_id, count in received.items() if count > 1}
    assert all(count == 2 for count in resent.values()), resent
    assert len(resent) <= kills, resent
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 1000
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == 1000


def test_two_workers_at_once_on_postgresql_send_nothing_twice(child_db: ChildDatabase, sink: SMTPSink) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Two workers at once need PostgreSQL's SKIP LOCKED; SQLite workers take turns (CI runs this)")
    expected = due_reminders(1000)
    # Not due until both workers are up and looking, so they really race for the same rows.
    Reminder.objects.update(due_at=timezone.now() + dt.timedelta(days=1))
    env = worker_env(child_db, sink.port)
    workers = [start_worker(env, "--batch", "20") for _ in range(2)]
    for worker in workers:
        worker.wait_started()
    Reminder.objects.update(due_at=timezone.now() - dt.timedelta(minutes=1))
    wait_for(lambda: len(sink.messages) >= len(expected), "every reminder")
    for worker in workers:
        worker.stop()
    assert [worker.wait(STUCK) for worker in workers] == [0, 0]
    received = ids_at(sink)
    assert set(received) == set(expected)
    assert max(received.values()) == 1
    senders = Counter(OutboxMessage.objects.values_list("claim", flat=True))
    assert len({claim.split(":")[0] for claim in senders}) == 2  # both workers did part of the work


def test_sigterm_finishes_the_current_message_and_gives_back_the_rest(child_db: ChildDatabase, sink: SMTPSink) -> None:
    due_reminders(300)
    child_db.export()
    worker = start_worker(worker_env(child_db, sink.port))
    wait_for(lambda: len(sink.messages) >= 20, "some messages")
    worker.stop()
    assert worker.wait(STUCK) == 0
    child_db.import_back()
    received = ids_at(sink)
    assert 20 <= len(received) < 300
    sent = set(OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).values_list("message_id", flat=True))
    assert sent == set(received)  # whatever reached the server is marked sent: none half-done
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).exists()


def test_it_gives_up_on_a_silent_smtp_server_after_the_timeout(
    child_db: ChildDatabase, alice_bob: Any, settings: Any
) -> None:
    """A server that accepts the connection and never says a word: each try ends at the timeout, then backs off."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # never accepted, never answered
    port = silent.getsockname()[1]
    try:
        set_prefs(alice_bob.coach, quiet_from=0, quiet_until=0)
        Reminder.objects.create(
            recipient=alice_bob.coach,
            kind=Kind.HOMEWORK_ANSWERED,
            homework=make_homework(alice_bob),
            title="Bob is in",
            due_at=timezone.now(),
            dedupe_key="silent",
        )
        child_db.export()
        result = subprocess.run(
            [sys.executable, "manage.py", "worker", "--once"],
            cwd=BASE_DIR,
            env=worker_env(child_db, port, timeout=1),
            capture_output=True,
            timeout=STUCK,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        child_db.import_back()
    finally:
        silent.close()
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.WAITING
    assert message.failures == 1
    assert "timed out" in message.last_error.lower() or "timeout" in message.last_error.lower()
    assert message.next_attempt_at - timezone.now() > dt.timedelta(seconds=30)  # backed off, not hammering


def test_it_retries_a_refusing_server_through_a_long_outage_then_shows_the_failure(
    alice_bob: Any, settings: Any
) -> None:
    """A mail server down for two days loses nothing; down for longer than RETRY_FOR, the person sees it failed."""
    import time_machine

    from legwork.reminders.outbox import BACKOFF, RETRY_FOR

    from .conftest import drain

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 1},  # nobody listens: refused
        }
    }
    bob = alice_bob.client
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        make_homework(alice_bob, "Send the CV", status="proposed")
        Reminder.objects.create(recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=start, dedupe_key="refused")
        set_prefs(bob, quiet_from=0, quiet_until=0)
        moments = []
        message = None
        while message is None or message.status == OutboxMessage.Status.WAITING:
            drain()
            message = OutboxMessage.objects.get()
            moments.append(message.next_attempt_at)
            if timezone.now() - start < dt.timedelta(days=2):
                assert message.status == OutboxMessage.Status.WAITING  # two days down: still waiting to be sent
            traveller.move_to(message.next_attempt_at)
    assert message.status == OutboxMessage.Status.FAILED
    assert RETRY_FOR <= message.next_attempt_at - start <= RETRY_FOR + BACKOFF[-1] * 2
    gaps = [later - earlier for earlier, later in zip(moments, moments[1:-1], strict=False)]
    assert gaps == sorted(gaps)
    assert gaps[0] >= dt.timedelta(minutes=1)
    assert max(gaps) == BACKOFF[-1]  # capped: tried every hour once the outage is long
    reminder = Reminder.objects.get()
    assert reminder.status == Reminder.Status.FAILED

    from django.test import Client

    web = Client()
    web.force_login(bob)
    home = web.get("/")
    assert "could not be emailed" in home.content.decode()
    inbox = web.get("/reminders/")
    assert "could not be emailed" in inbox.content.decode()


def test_it_runs_queued_jobs_through_django_tasks_db(child_db: ChildDatabase, sink: SMTPSink, settings: Any) -> None:
    from conftest import make_session
    from legwork.reminders.tasks import plan_session_reminders

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    alice_bob = make_engagement(make_user("coach@example.com", is_coach=True), make_user("client@example.com"))
    session = make_session(alice_bob)
    result = plan_session_reminders.enqueue(session.pk)
    assert Reminder.objects.count() == 0
    child_db.export()
    done = subprocess.run(
        [sys.executable, "manage.py", "worker", "--once"],
        cwd=BASE_DIR,
        env=worker_env(child_db, sink.port),
        capture_output=True,
        timeout=STUCK,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    child_db.import_back()
    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert Reminder.objects.filter(session=session).exists()


def test_a_server_that_goes_silent_mid_batch_costs_one_timeout_not_one_per_message(
    alice_bob: Any, settings: Any
) -> None:
    """Greets, answers EHLO, then never says another word: one message waits out the timeout, the rest go back."""
    import threading

    from legwork.reminders.worker import WorkerLoop

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            conn.sendall(b"220 hello\r\n")
            conn.recv(1024)  # EHLO
            conn.sendall(b"250 hello\r\n")  # and then silence

    threading.Thread(target=serve, daemon=True).start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": listener.getsockname()[1], "timeout": 1},
        }
    }
    set_prefs(alice_bob.coach, emails_per_day=0, quiet_from=0, quiet_until=0)
    homework = make_homework(alice_bob)
    for n in range(3):
        Reminder.objects.create(
            recipient=alice_bob.coach,
            kind=Kind.HOMEWORK_ANSWERED,
            homework=homework,
            title=f"Bob is in #{n}",
            due_at=timezone.now(),
            dedupe_key=f"mid-batch:{n}",
        )
    loop = WorkerLoop()
    try:
        loop.step()
        # One pass of the worker: one message waited out the timeout, the other two were given back untried.
        assert sorted(OutboxMessage.objects.values_list("failures", flat=True)) == [0, 0, 1]
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxMessage.Status.WAITING}
        assert loop.step() == 0  # the next pass tries one more, and again stops there
        assert sorted(OutboxMessage.objects.values_list("failures", flat=True)) == [0, 1, 1]
    finally:
        listener.close()
        for conn in held:
            conn.close()


def test_a_slow_server_never_makes_two_workers_send_the_same_email(child_db: ChildDatabase) -> None:
    """Every reply comes within the read timeout (1 s), the whole send would take longer than the lease (2 s)."""
    from .faulty_smtp import FaultySMTP

    slow = FaultySMTP(delay=0.6)
    slow.start()
    try:
        due_reminders(3, coaches=3)
        child_db.export()
        env = worker_env(child_db, slow.port, timeout=1)
        workers = [start_worker(env, "--batch", "3") for _ in range(2)]

        def every_row_settled() -> bool:
            if any(count > 1 for count in slow.received.values()):
                return True  # sent twice already: the assertion below says so
            child_db.import_back()
            rows = OutboxMessage.objects.all()
            return rows.count() == 3 and all(
                row.status == OutboxMessage.Status.SENT or (row.failures and row.status != row.Status.SENDING)
                for row in rows
            )

        wait_for(every_row_settled, "each email sent or given up on for now")
        for worker in workers:
            worker.stop()
        assert [worker.wait(STUCK) for worker in workers] == [0, 0]
    finally:
        slow.stop()
    child_db.import_back()
    assert all(count == 1 for count in slow.received.values()), slow.received
    for row in OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT):
        assert "deadline" in row.last_error or "silent" in row.last_error, row.last_error


class ConnectionKiller:
    """Ends every database connection but the test's own, again and again (PostgreSQL's pg_terminate_backend)."""

    def __init__(self, every: float = 1.0) -> None:
        import threading

        self.every = every
        self.kills = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), current_database()")
            self.own_pid, self.database = cursor.fetchone()

    def run(self) -> None:
        import psycopg

        settings_dict = connection.settings_dict
        params = {
            "dbname": self.database,
            "user": settings_dict["USER"] or "postgres",
            "host": settings_dict["HOST"] or "127.0.0.1",
            "port": settings_dict["PORT"] or 5432,
            "password": settings_dict["PASSWORD"] or None,
        }
        with psycopg.connect(autocommit=True, **{k: v for k, v in params.items() if v is not None}) as killer:
            deadline = time.monotonic() + STUCK
            while not self.stop.wait(self.every) and time.monotonic() < deadline:
                rows = killer.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid() AND pid <> %s",
                    [self.database, self.own_pid],
                ).fetchall()
                self.kills += sum(1 for (ended,) in rows if ended)


def test_workers_against_a_faulty_server_and_a_killed_database_lose_nothing(
    child_db: ChildDatabase,
) -> None:
    """Three workers; the SMTP server refuses some recipients (550, 451) and hangs up now and then; on PostgreSQL
    every database connection is killed every second. Nothing is lost, nothing is sent twice, the cap holds."""
    from .faulty_smtp import FaultySMTP

    server = FaultySMTP(hang_up_every=17)
    server.start()
    now = timezone.now()
    people = []
    for n in range(40):
        local = "refuse550" if n % 20 == 7 else "refuse451" if n % 20 == 13 else "person"
        person = make_user(f"{local}-{n}@example.com", is_coach=True)
        set_prefs(person, emails_per_day=1, quiet_from=0, quiet_until=0)
        people.append(person)
    client = make_user("client@example.com")
    rows = []
    for person in people:
        homework = make_homework(make_engagement(person, client), "Homework")
        rows += [
            Reminder(
                recipient=person,
                kind=Kind.HOMEWORK_ANSWERED,
                homework=homework,
                title=f"Client is in #{n}",
                due_at=now - dt.timedelta(minutes=1),
                dedupe_key=f"faults:{person.pk}:{n}",
            )
            for n in range(2)
        ]
    Reminder.objects.bulk_create(rows)
    child_db.export()
    killer = ConnectionKiller() if connection.vendor == "postgresql" else None
    env = worker_env(child_db, server.port, timeout=2)
    workers = [start_worker(env, "--batch", "10", "--lease", "3") for _ in range(3)]
    if killer is not None:
        killer.thread.start()

    def settled() -> bool:
        if killer is None:
            child_db.import_back()
        if Reminder.objects.filter(status=Reminder.Status.PENDING).exists():
            return False
        # Every email sent, failed for good, or waiting for its retry; none left mid-send.
        return not OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).exists() and not (
            OutboxMessage.objects.filter(status=OutboxMessage.Status.WAITING, failures=0).exists()
        )

    try:
        wait_for(settled, "every reminder settled")
    finally:
        if killer is not None:
            killer.stop.set()
            killer.thread.join(STUCK)
        for worker in workers:
            worker.stop()
        codes = [worker.wait(STUCK) for worker in workers]
        server.stop()
    assert codes == [0, 0, 0]
    child_db.import_back()

    outbox = {m.message_id: m for m in OutboxMessage.objects.select_related("reminder")}
    # Nothing lost: each reminder was emailed, put in the inbox by the cap, failed for good on a 550, or waits
    # for its retry (a 451, or the server hung up on it).
    for reminder in Reminder.objects.all():
        assert reminder.status in (
            Reminder.Status.SENT,
            Reminder.Status.INBOX,
            Reminder.Status.QUEUED,
            Reminder.Status.FAILED,
        ), reminder.status
        if reminder.status == Reminder.Status.FAILED:
            assert reminder.recipient.email.startswith("refuse550")
        if reminder.status == Reminder.Status.QUEUED:
            assert reminder.outbox.get().status == OutboxMessage.Status.WAITING
            assert reminder.outbox.get().next_attempt_at > now
    for message_id in server.accepted:
        assert outbox[message_id].status == OutboxMessage.Status.SENT  # what the server took is marked sent
    # Nothing sent twice, beyond the documented one resend per kill.
    resent = {message_id: count for message_id, count in server.accepted.items() if count > 1}
    assert len(resent) <= (killer.kills if killer else 0), resent
    # The daily cap held: one email a person, however many workers decided at once.
    per_person = Counter(outbox[message_id].to for message_id in server.accepted)
    assert max(per_person.values()) == 1, per_person
    per_person_queued = Counter(OutboxMessage.objects.values_list("to", flat=True))
    assert max(per_person_queued.values()) == 1
    assert len(per_person) == OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() >= 30
    if killer is not None:
        assert killer.kills > 0
