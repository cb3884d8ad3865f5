"""Restore a backup made by `manage.py backup` (docs/deploy.md, "Restoring").

Into the configured database (stop the web and worker processes first), which must be empty unless
--replace; or into another, fresh one named by --database-url, for a restore drill.

    python manage.py restore var/backups/legwork-2026-12-02T01-00-00.000000Z.sqlite3
    python manage.py restore /srv/backups/legwork-….pgdump --database-url postgres://…/legwork_drill
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legwork.ops.backups import BackupError, backup_restore, database_from_url


class Command(BaseCommand):
    help = "Restore a backup into an empty database (or, with --replace, over the configured one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="The backup file (.sqlite3 or .pgdump).")
        parser.add_argument("--database-url", default=None, help="Restore into this database instead.")
        parser.add_argument("--replace", action="store_true", help="Overwrite a database that is not empty.")

    def handle(self, *args: Any, backup: Path, database_url: str | None, replace: bool, **options: Any) -> None:
        try:
            backup_restore(path=backup, database=database_from_url(database_url), replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {backup}.")
