"""The restore drill: write under load, back up, restore into a fresh database, compare everything.

Runs on whichever database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL), with
Legwork's own backup and restore commands, pg_dump and pg_restore included.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from conftest import make_homework, make_progress
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, ProgressEntry

pytestmark = pytest.mark.django_db(transaction=True)
WRITER_TITLE = "Written under load"


def tables_of(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def fingerprint(cursor: Any, vendor: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows (in a fixed order), as this connection sees them."""
    found = {}
    for table in tables_of(cursor, vendor):
        cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (names from the catalogue)
        rows = sorted(repr(row) for row in cursor.fetchall())
        found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A URL for an empty database of the suite's kind, and a function opening a DB-API connection to it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite3.connect(path)
        return
    settings = connection.settings_dict
    name = f"{settings['NAME']}_drill"
    server = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{name}"
    try:
        yield url, lambda: psycopg.connect(dbname=name, **server)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Writer(threading.Thread):
    """A client logging homework and progress as fast as it can, each pair in one transaction."""

    def __init__(self, engagement: Engagement) -> None:
        super().__init__(daemon=True)
        self.engagement = engagement
        self.written = 0
        self.stop = threading.Event()
        self.progress = threading.Condition()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with transaction.atomic():
                    homework = make_homework(self.engagement, title=WRITER_TITLE)
                    make_progress(homework, note=f"Entry {self.written}")
                with self.progress:
                    self.written += 1
                    self.progress.notify_all()
        except BaseException as error:  # reported by the test, not lost in the thread
            self.error = error
        finally:
            connection.close()

    def wait_for(self, count: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.written >= count or self.error is not None, timeout=120)
        assert self.error is None, self.error


def fingerprint_of(open_connection: Any) -> dict[str, tuple[int, str]]:
    conn = open_connection()
    try:
        return fingerprint(conn.cursor(), connection.vendor)
    finally:
        conn.close()


def raw_source() -> Any:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return sqlite3.connect(settings["NAME"])
    return psycopg.connect(dbname=settings["NAME"], host=settings["HOST"], port=settings["PORT"], user=settings["USER"])


def restored_pairs(open_restored: Any) -> tuple[int, int]:
    conn = open_restored()
    try:
        cursor = conn.cursor()
        mark = "?" if isinstance(conn, sqlite3.Connection) else "%s"
        cursor.execute(f"SELECT count(*) FROM {Homework._meta.db_table} WHERE title = {mark}", [WRITER_TITLE])  # noqa: S608
        homework = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {ProgressEntry._meta.db_table}")  # noqa: S608
        progress = cursor.fetchone()[0]
    finally:
        conn.close()
    return homework, progress


def test_a_backup_taken_while_people_write_restores_whole(
    alice_bob: Engagement, tmp_path: Path, fresh_database: tuple[str, Any]
) -> None:
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are needed: apt-get install postgresql-client")
    url, open_restored = fresh_database
    writer = Writer(alice_bob)
    writer.start()
    try:
        writer.wait_for(20)
        call_command("backup", dir=tmp_path / "backups", keep=5, stdout=io.StringIO())
        before = writer.written
        writer.wait_for(before + 20)  # still writing after the backup finished
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None, writer.error
    (during,) = sorted((tmp_path / "backups").iterdir())

    call_command("restore", during, database_url=url, stdout=io.StringIO())
    homework, progress = restored_pairs(open_restored)
    # One moment: every homework came with its progress entry, and that moment lay within the writing.
    assert homework == progress
    assert 20 <= homework <= before

    # Once the writing stops, a backup restored elsewhere is the same, table by table and row by row.
    latest = Path(_backup(tmp_path / "backups"))
    restored_url = url.replace("restored.sqlite3", "restored-latest.sqlite3") if connection.vendor == "sqlite" else url
    if connection.vendor == "sqlite":
        call_command("restore", latest, database_url=restored_url, stdout=io.StringIO())
        reopen: Any = lambda: sqlite3.connect(restored_url.removeprefix("sqlite:///"))  # noqa: E731
    else:
        call_command("restore", latest, database_url=url, replace=True, stdout=io.StringIO())
        reopen = open_restored
    # Both sides read through plain DB-API connections, so no converter of Django's stands between.
    source = fingerprint_of(raw_source)
    restored = fingerprint_of(reopen)
    assert source[Homework._meta.db_table][0] == writer.written  # the writer's and nothing else's
    assert restored == source


def _backup(directory: Path) -> str:
    out = directory / "out.txt"
    with out.open("w") as stdout:
        call_command("backup", dir=directory, keep=5, stdout=stdout)
    path = out.read_text().strip()
    out.unlink()
    return path


def test_retention_keeps_the_newest(db: Any, tmp_path: Path) -> None:
    for _ in range(4):
        _backup(tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 4
    call_command("backup", dir=tmp_path, keep=2, stdout=io.StringIO())
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert len(kept) == 2
    assert kept[0] == names[-1]  # the newest of before, and the one just made


def test_it_refuses_to_restore_over_a_database_that_is_not_empty(db: Any, tmp_path: Path) -> None:
    path = _backup(tmp_path)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", path)
