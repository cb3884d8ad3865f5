"""Exercise intros reflow like the rest of the project's Markdown; list help text says "one per line" once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from legwork.accounts.models import User
from legwork.exercises.models import Exercise

pytestmark = pytest.mark.django_db


def test_an_intro_keeps_paragraphs_but_not_the_files_hard_line_breaks(alice: User) -> None:
    exercise = Exercise.objects.create(
        slug="wrapped",
        title="Wrapped",
        purpose="explore",
        kind="intuitive",
        instructions="We all carry pictures of who we\nmight become.\n\nWrite each one down.",
        fields=[{"name": "one", "label": "A list", "type": "list", "help": "One per line. Quantity first."}],
    )
    coach = Client()
    assert coach.login(email=alice.email, password=PASSWORD)
    page = coach.get(reverse("exercise", args=[exercise.pk])).content.decode()
    assert "<p>We all carry pictures of who we\nmight become.</p>" in page
    assert "<br>" not in page.split("pictures of who we")[1].split("</p>")[0]


@pytest.mark.parametrize(
    ("help_text", "shown"),
    [
        ("One per line. Quantity first.", "One per line. Quantity first."),
        ("Quantity first.", "One per line. Quantity first."),
        ("", "One per line."),
    ],
)
def test_list_help_says_one_per_line_once(help_text: str, shown: str) -> None:
    from django.template.loader import render_to_string

    field = {"type": "list", "key": "a-1", "label": "Ideas", "help": help_text, "value": ""}
    html = render_to_string("exercises/_answer_field.html", {"f": field})
    assert f'<small class="help">{shown}</small>' in html
