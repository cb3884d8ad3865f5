"""Shared test fixtures: the personas and the real parts (SMTP server, browser).

Personas: coach alice with her client bob; coach carol with her client dan;
and a stranger, eve, who is nobody's coach or client.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from legwork.accounts.models import User
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, ProgressEntry

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_user(email: str, *, name: str = "", is_coach: bool = False, tz: str = "Europe/London") -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.create_user(email, PASSWORD, name=name or email.split("@")[0].title(), is_coach=is_coach, timezone=tz)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def make_engagement(coach: User, client: User, **kwargs: Any) -> Engagement:
    return Engagement.objects.create(coach=coach, client=client, **kwargs)


def make_session(engagement: Engagement, *, at: dt.datetime | None = None, **kwargs: Any) -> Session:
    return Session.objects.create(
        engagement=engagement, scheduled_at=at or timezone.now() + dt.timedelta(days=7), **kwargs
    )


def make_homework(engagement: Engagement, title: str = "Send the application to Acme", **kwargs: Any) -> Homework:
    kwargs.setdefault("due_on", timezone.localdate() + dt.timedelta(days=7))
    kwargs.setdefault("created_by", engagement.coach)
    return Homework.objects.create(engagement=engagement, title=title, **kwargs)


def make_progress(homework: Homework, **kwargs: Any) -> ProgressEntry:
    kwargs.setdefault("occurred_on", timezone.localdate())
    kwargs.setdefault("author", homework.engagement.client)
    return ProgressEntry.objects.create(homework=homework, **kwargs)


@pytest.fixture
def alice(db: Any) -> User:
    return make_user("alice@example.com", name="Alice Coach", is_coach=True)


@pytest.fixture
def bob(db: Any) -> User:
    return make_user("bob@example.com", name="Bob Client")


@pytest.fixture
def carol(db: Any) -> User:
    return make_user("carol@example.com", name="Carol Coach", is_coach=True)


@pytest.fixture
def dan(db: Any) -> User:
    return make_user("dan@example.com", name="Dan Client")


@pytest.fixture
def eve(db: Any) -> User:
    return make_user("eve@example.com", name="Eve Stranger")


@pytest.fixture
def alice_bob(alice: User, bob: User) -> Engagement:
    return make_engagement(alice, bob)


@pytest.fixture
def carol_dan(carol: User, dan: User) -> Engagement:
    return make_engagement(carol, dan)


@pytest.fixture
def smtp_server() -> Any:
    """A real SMTP server on a free loopback port that keeps what it receives."""
    from legwork.lib.testing import SMTPSink

    sink = SMTPSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp_settings(settings: Any, smtp_server: Any) -> Any:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": smtp_server.port, "timeout": 5},
        }
    }
    settings.EMAIL_TIMEOUT = 5
    return smtp_server
