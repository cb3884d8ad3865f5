"""Backups and restores of the whole database: SQLite through its online backup API, PostgreSQL through pg_dump.

Both are consistent while people write: SQLite copies in one step under a read transaction (WAL lets
writers go on meanwhile), and pg_dump reads one snapshot. A backup is written under a temporary name
and renamed when complete, so a half-written file never counts as a backup, nor pushes a good one out
of the retention.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.utils import timezone
from psycopg.conninfo import make_conninfo

PREFIX = "legwork-"
SUFFIX = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why, for the admin."""


def vendor_of(database: dict[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Backups know SQLite and PostgreSQL, not {engine}.")


def database_from_url(url: str | None) -> dict[str, Any]:
    """The configured database, or the one a URL names (a restore into a fresh database)."""
    return dict(dj_database_url.parse(url)) if url else dict(settings.DATABASES["default"])


def backup_create(*, directory: Path, keep: int, database: dict[str, Any] | None = None) -> Path:
    """Back the database up into `directory`, then keep only the `keep` newest backups there. Returns the file."""
    database = database or dict(settings.DATABASES["default"])
    vendor = vendor_of(database)
    directory.mkdir(parents=True, exist_ok=True)
    # To the microsecond, so names sort in the order they were made (retention keeps the newest by name).
    stamp = timezone.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H-%M-%S.%fZ")
    path = directory / f"{PREFIX}{stamp}{SUFFIX[vendor]}"
    number = 1
    while path.exists():  # two backups in one microsecond (a clock set back)
        number += 1
        path = directory / f"{PREFIX}{stamp}-{number}{SUFFIX[vendor]}"
    partial = path.with_name(f".{path.name}.partial")
    try:
        if vendor == "sqlite":
            _sqlite_backup(Path(database["NAME"]), partial)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(partial)], database)
        partial.chmod(0o600)  # everything the clients wrote is in it
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    backup_prune(directory=directory, keep=keep, suffix=SUFFIX[vendor])
    return path


def backup_prune(*, directory: Path, keep: int, suffix: str) -> list[Path]:
    """Delete all but the `keep` newest backups (by the time in their names). Returns what was deleted."""
    backups = sorted(directory.glob(f"{PREFIX}*{suffix}"), key=lambda p: p.name, reverse=True)
    gone = backups[max(keep, 1) :]
    for path in gone:
        path.unlink()
    return gone


def backup_restore(*, path: Path, database: dict[str, Any] | None = None, replace: bool = False) -> None:
    """Restore a backup into a database: by default the configured one, which must be empty unless `replace`.

    Stop the web and worker processes first: a restore replaces everything they would be writing to.
    """
    database = database or dict(settings.DATABASES["default"])
    vendor = vendor_of(database)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if path.suffix != SUFFIX[vendor]:
        raise BackupError(f"{path.name} is not a {vendor} backup (those end in {SUFFIX[vendor]}).")
    if not replace and _has_tables(database, vendor):
        raise BackupError("The database is not empty: restore into a fresh one, or pass --replace to overwrite it.")
    if vendor == "sqlite":
        target = Path(database["NAME"])
        target.parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(path, target)
    else:
        command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        if replace:
            command += ["--clean", "--if-exists"]
        _run([*command, str(path)], database, dbname_flag=True)


def _sqlite_backup(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"No SQLite database at {source}.")
    _sqlite_copy(source, target)
    with sqlite3.connect(target) as check:
        # The copy keeps the source's WAL mode; a backup file is read alone, so a single file is simpler to move.
        check.execute("PRAGMA journal_mode=DELETE")
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    check.close()
    if result != "ok":
        raise BackupError(f"The backup failed SQLite's integrity check: {result}")


def _sqlite_copy(source: Path, target: Path) -> None:
    # One step (pages=-1): a single read transaction, so the copy is one consistent moment even while others write.
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()


def _has_tables(database: dict[str, Any], vendor: str) -> bool:
    if vendor == "sqlite":
        path = Path(database["NAME"])
        if not path.exists():
            return False
        with sqlite3.connect(path) as lite:
            found = lite.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        lite.close()
        return bool(found)
    import psycopg

    with psycopg.connect(_conninfo(database)) as conn:
        row = conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
    return bool(row and row[0])


def _conninfo(database: dict[str, Any]) -> str:
    keys = {"dbname": "NAME", "user": "USER", "password": "PASSWORD", "host": "HOST", "port": "PORT"}
    return make_conninfo(**{key: str(database[name]) for key, name in keys.items() if database.get(name)})


def _run(command: list[str], database: dict[str, Any], *, dbname_flag: bool = False) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    # The password goes through the environment, never the command line (which `ps` shows to everyone).
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    conninfo = _conninfo({**database, "PASSWORD": ""})
    command = [*command[:-1], f"--dbname={conninfo}", command[-1]] if dbname_flag else [*command, conninfo]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603 (our own arguments)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-500:]}")
