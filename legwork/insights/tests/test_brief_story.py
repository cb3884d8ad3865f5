"""The brief as a story: exercise answers as the client wrote them, and a page that fits a phone."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import Engagement
from legwork.exercises.models import Exercise, HomeworkExercise
from legwork.homework.models import Homework
from legwork.insights import charts

pytestmark = pytest.mark.django_db

SELVES = [
    {
        "name": "selves",
        "label": "Your possible selves",
        "type": "group",
        "fields": [
            {"name": "kind", "label": "Which kind of self is this?", "type": "single_choice"},
            {"name": "description", "label": "In a year or two, I am…", "type": "long_text"},
            {"name": "strategies", "label": "Strategies", "type": "list"},
        ],
    },
    {"name": "first_step", "label": "The first strategy I will try", "type": "short_text"},
]


def test_the_brief_shows_possible_selves_as_the_client_wrote_them(alice: User, alice_bob: Engagement) -> None:
    session = make_session(alice_bob, at=timezone.now() + dt.timedelta(days=2))
    homework = make_homework(
        alice_bob, "Possible Selves", created_at=timezone.now() - dt.timedelta(days=5), status=Homework.Status.CONFIRMED
    )
    exercise = Exercise.objects.create(
        slug="ps", title="Possible Selves", purpose="explore", kind="intuitive", fields=[]
    )
    HomeworkExercise.objects.create(homework=homework, exercise=exercise, fields_snapshot=SELVES)
    make_progress(
        homework,
        answers={
            "selves": [
                {"kind": "Hoped-for", "description": "I run a small studio", "strategies": ["Call Ana", "Price it"]},
                {"kind": "Feared", "description": "Still in the same job"},
            ],
            "first_step": "Call Ana",
        },
    )
    coach = Client()
    assert coach.login(email=alice.email, password=PASSWORD)
    page = unescape(coach.get(reverse("brief", args=[session.pk])).content.decode())
    assert "2 items" not in page
    for written in ("I run a small studio", "Still in the same job", "Call Ana", "Price it", "Hoped-for", "Feared"):
        assert written in page
    assert "In a year or two, I am…" in page


def test_the_charts_scale_to_their_box_and_never_draw_a_fixed_width() -> None:
    svg = str(charts.rates_svg([], charts.FOLLOW_THROUGH, "Completion"))
    assert 'width="100%"' in svg
    assert "viewBox" in svg
    css = (settings.BASE_DIR / "static" / "legwork.css").read_text()
    assert "min-width: 34rem" not in css
    assert charts.WIDTH <= 420  # drawn narrow enough to stay legible at 390 px
