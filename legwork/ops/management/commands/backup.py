"""Back up the whole database into BACKUP_DIR and keep the BACKUP_KEEP newest (docs/deploy.md, "Backups").

SQLite: the online backup API, one consistent copy while people write. PostgreSQL: pg_dump's custom
format (restore with `manage.py restore`, or pg_restore). Safe to run from cron or a systemd timer
while Legwork runs.

    python manage.py backup                     # into BACKUP_DIR (var/backups), keeping 14
    python manage.py backup --dir /srv/backups --keep 30
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from legwork.ops.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (SQLite or PostgreSQL) and keep the newest few."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None, help="Where backups go (default: BACKUP_DIR).")
        parser.add_argument("--keep", type=int, default=None, help="How many of the newest to keep (BACKUP_KEEP).")

    def handle(self, *args: Any, dir: Path | None, keep: int | None, **options: Any) -> None:
        try:
            path = backup_create(
                directory=dir or settings.BACKUP_DIR, keep=settings.BACKUP_KEEP if keep is None else keep
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(path))
