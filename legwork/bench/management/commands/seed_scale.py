"""Build practices for the benchmark: `seed_scale --size small|large` or `--coaches N`. Safe to run twice.

Coaches come in practices of 20: small is 100 coaches (5 practices), large 1,000 (50 practices)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legwork.bench.seed import CLIENTS_PER_COACH, COACHES_PER_PRACTICE, SIZES, SeedCounts, seed_scale, seeded_coaches


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--coaches", type=int, help="coaches in all (20 clients each)")
        parser.add_argument(
            "--size", choices=sorted(SIZES), help="small = 100 coaches in 5 practices, large = 1,000 in 50"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        coaches = options["coaches"] if options["coaches"] is not None else SIZES[options["size"] or "small"]
        if coaches < 1:
            raise CommandError("--coaches must be at least 1.")
        ensure_seeded(coaches, write=self.stdout.write)


def ensure_seeded(coaches: int, *, write: Any) -> None:
    """Seed up to `coaches` coaches unless the marker says they are there; progress lines as it goes."""
    already = seeded_coaches()
    if already >= coaches:
        write(f"The scale practice already has {already} coaches ({already * CLIENTS_PER_COACH:,} clients).")
        return
    practices = -(-coaches // COACHES_PER_PRACTICE)
    write(
        f"Seeding coaches {already}–{coaches - 1} ({(coaches - already) * CLIENTS_PER_COACH:,} clients) "
        f"in {practices} practices of up to {COACHES_PER_PRACTICE}…"
    )
    tty = sys.stdout.isatty()

    def progress(done: int, total: int, counts: SeedCounts, seconds: float) -> None:
        share = (done - already) / (total - already)
        left = seconds / share - seconds if share else 0
        width = 30
        bar = "#" * int(width * done / total) + "-" * (width - int(width * done / total))
        line = (
            f"[{bar}] {done}/{total} coaches · practice {(done - 1) // COACHES_PER_PRACTICE + 1} · "
            f"{counts.sessions:,} sessions · {counts.homework:,} homework · "
            f"{counts.progress:,} progress entries · {seconds:.0f} s, ~{left:.0f} s left"
        )
        if tty:
            sys.stdout.write("\r" + line)
            sys.stdout.flush()
        elif done == total or (done // 5) % 20 == 0:
            write(line)

    counts = seed_scale(coaches=coaches, progress=progress)
    if tty:
        sys.stdout.write("\n")
    write(
        f"Seeded {counts.coaches:,} coaches, {counts.clients:,} clients, {counts.sessions:,} sessions, "
        f"{counts.homework:,} homework, {counts.progress:,} progress entries, {counts.journal:,} journal entries, "
        f"{counts.thinking:,} thinking-time blocks."
    )
