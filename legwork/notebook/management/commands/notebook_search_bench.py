"""Measure notebook search on the configured database, then roll everything back.

    python manage.py notebook_search_bench --entries 2000 --others 50000

Prints how long a two-word search over one client's entries takes while the table
also holds other people's entries. Used for the figures in docs/notebook.md.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from legwork.accounts.models import User
from legwork.notebook.models import JournalEntry

WORDS = [
    "energy",
    "interview",
    "portfolio",
    "research",
    "coffee",
    "mentor",
    "doubt",
    "values",
    "career",
    "change",
    "team",
    "manager",
    "listen",
    "write",
    "morning",
    "evening",
    "application",
    "letter",
    "network",
    "friend",
    "family",
    "money",
    "time",
    "habit",
    "courage",
    "plan",
    "step",
    "idea",
]


class Rollback(Exception):
    pass


def _body(rng: random.Random, length: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(length // 7))


class Command(BaseCommand):
    help = "Time notebook search over one client's entries (data is rolled back afterwards)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--entries", type=int, default=2000, help="entries of the searching client")
        parser.add_argument("--others", type=int, default=50_000, help="entries of other clients in the table")
        parser.add_argument("--length", type=int, default=1500, help="characters per entry body")
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(5)
        try:
            with transaction.atomic():
                me = User.objects.create_user("bench-me@example.invalid", None)
                others = [User.objects.create_user(f"bench-{i}@example.invalid", None) for i in range(50)]
                batch = [
                    JournalEntry(client=me, title=rng.choice(WORDS), body=_body(rng, options["length"]))
                    for _ in range(options["entries"])
                ]
                batch += [
                    JournalEntry(client=rng.choice(others), title="x", body=_body(rng, options["length"]))
                    for _ in range(options["others"])
                ]
                JournalEntry.objects.bulk_create(batch, batch_size=2000)
                if connection.vendor == "postgresql":
                    # As autovacuum would have by now: planner statistics for the new rows.
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE notebook_journalentry")
                for query in ("portfolio mentor", "nothingmatches", "Energy"):
                    times = []
                    for _ in range(options["runs"]):
                        start = time.perf_counter()
                        found = list(JournalEntry.objects.filter(client=me).search(query)[:50])
                        times.append((time.perf_counter() - start) * 1000)
                    self.stdout.write(
                        f"{connection.vendor}: {options['entries']} own entries of ~{options['length']} chars among "
                        f"{options['others']} others, q={query!r}: median {statistics.median(times):.1f} ms, "
                        f"max {max(times):.1f} ms ({len(found)} shown)"
                    )
                raise Rollback
        except Rollback:
            pass
