from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models

from .zones import timezone_names


def validate_timezone(value: str) -> None:
    if value not in timezone_names():
        raise ValidationError("%(value)s is not a time zone we know, e.g. Europe/London.", params={"value": value})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Every person needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Theme(models.TextChoices):
    """The colour scheme a person chose; "auto" follows the device (docs/design.md, "Dark scheme")."""

    AUTO = "auto", "As my device is set"
    LIGHT = "light", "Light"
    DARK = "dark", "Dark"


class User(AbstractUser):
    """A person: a coach (who signed up) or a client (who joined by invitation), or both."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    name = models.CharField("name", max_length=100, blank=True)
    timezone = models.CharField("time zone", max_length=64, default="UTC", validators=[validate_timezone])
    is_coach = models.BooleanField(default=False)
    theme = models.CharField("colour scheme", max_length=5, choices=Theme.choices, default=Theme.AUTO)
    # When a coach's first-run checklist was all done: it goes away then and is not asked about again
    # (legwork/lib/first_steps.py), so an established coach's home runs no query for it.
    first_steps_done_at = models.DateTimeField(null=True, blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[misc,assignment]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.email.split("@")[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")
