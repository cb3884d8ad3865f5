"""The database settings a deployment gets from legwork/settings.py, read back from the live connection."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection


def _one(sql: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_connection_is_set_up_for_short_concurrent_requests() -> None:
    if connection.vendor == "sqlite":
        assert _one("PRAGMA journal_mode") == "wal"
        assert _one("PRAGMA foreign_keys") == 1
        assert _one("PRAGMA busy_timeout") == 20_000
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    elif connection.vendor == "postgresql":
        assert _one("SHOW jit") == "off"
    else:
        pytest.fail(f"Legwork is tested on SQLite and PostgreSQL, not {connection.vendor}")
