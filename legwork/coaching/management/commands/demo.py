"""Load the demo practice (one coach, five clients with months of history). Safe to run twice."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from legwork.coaching.demo import DEMO_PASSWORD, build_demo_practice, demo_practice_exists, demo_sign_ins


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        if not demo_practice_exists():
            self.stdout.write("Building the demo practice (a minute, the first time)…")
            build_demo_practice()
        self.stdout.write(f"Sign in with the password “{DEMO_PASSWORD}” as:")
        for role, email in demo_sign_ins():
            self.stdout.write(f"  {role:>8}: {email}")
