"""Fixtures for the homework pages' tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_homework, make_session
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework


@pytest.fixture
def homework(alice_bob: Engagement) -> Homework:
    # Agreed at last week's session: work on it may be dated any day since.
    return make_homework(alice_bob, "Ask Dana for a coffee", created_at=timezone.now() - dt.timedelta(days=7))


@pytest.fixture
def session(alice_bob: Engagement) -> Session:
    return make_session(alice_bob, at=timezone.now() - dt.timedelta(minutes=50))
