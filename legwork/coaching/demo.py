"""The demo practice: one coach and clients whose months of history show distinct patterns.

This module makes the people and their engagements. Every Legwork app then adds its own part
through a `populate(practice)` function in its `demo` module, called in the order of
INSTALLED_APPS, which is the order of the layers (docs/architecture.md): the homework app writes
the sessions, homework and progress; the notebook, exercises, reminders and insights build on them.
Coaching names none of them: it asks the app registry, the way Django finds `admin.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from legwork.accounts.models import User
from legwork.coaching.models import Engagement

DEMO_PASSWORD = "legwork-demo"
COACH_EMAIL = "coach@legwork.test"


@dataclass
class DemoPractice:
    coach: User
    # pattern name -> engagement: steady, crammer, stuck, new, paused
    engagements: dict[str, Engagement] = field(default_factory=dict)
    # Every app draws its random choices from this seed, so the demo is the same each time.
    seed: int = 7


CLIENTS = [
    ("steady", "sam@legwork.test", "Sam Okafor", "Europe/London"),
    ("crammer", "priya@legwork.test", "Priya Shah", "Europe/London"),
    ("stuck", "jordan@legwork.test", "Jordan Reyes", "America/New_York"),
    ("new", "lee@legwork.test", "Lee Chen", "Australia/Sydney"),
    ("paused", "maya@legwork.test", "Maya Novak", "Europe/Berlin"),
]


def make_person(email: str, name: str, tz: str, *, is_coach: bool = False) -> User:
    user = User.objects.create_user(email, DEMO_PASSWORD, name=name, timezone=tz, is_coach=is_coach)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def at_local(day: dt.date, hour: int, minute: int, user: User) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=user.zone)


@transaction.atomic
def build_demo_practice(seed: int = 7) -> DemoPractice:
    coach = make_person(COACH_EMAIL, "Ada Lovelace-Moore", "Europe/London", is_coach=True)
    practice = DemoPractice(coach=coach, seed=seed)
    for pattern, email, name, tz in CLIENTS:
        client = make_person(email, name, tz)
        practice.engagements[pattern] = Engagement.objects.create(coach=coach, client=client)
    for config in apps.get_app_configs():
        if config.name.startswith("legwork.") and module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if hasattr(module, "populate"):
                module.populate(practice)
    return practice


def demo_practice_exists() -> bool:
    return User.objects.filter(email=COACH_EMAIL).exists()


def demo_sign_ins() -> list[tuple[str, str]]:
    return [("coach", COACH_EMAIL)] + [(pattern, email) for pattern, email, _, _ in CLIENTS]
