"""No page's template queries the database: every query runs in the view or in a panel function.

A query from a template is a query nobody counted (a lazy QuerySet iterated there, a related object
loaded on first use, a tag that reads the database): it hides in the rendering time and is the first
step to one query per row. `legwork.lib.testing.queries_from_templates` watches every template render,
outside the panel functions that feed a place (they are the pages' own code, each with its count).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework, make_progress, make_session
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement
from legwork.lib.testing import queries_from_templates


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def history(alice_bob: Engagement) -> dict[str, int]:
    """An engagement with a held session, an interval running with homework and progress, a next session."""
    now = timezone.now()
    held = make_session(alice_bob, at=now - dt.timedelta(days=10), status="held")
    following = make_session(alice_bob, at=now + dt.timedelta(days=4))
    homework = make_homework(alice_bob, status="confirmed", agreed_in=held, created_at=now - dt.timedelta(days=9))
    make_progress(homework)
    make_homework(alice_bob, agreed_in=held)
    AgendaItem.objects.create(engagement=alice_bob, kind="to_explore", text="The cover letter", homework=homework)
    return {"held": held.pk, "next": following.pk, "homework": homework.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "name", "arg"),
    [
        ("client", "client_home", None),
        ("coach", "coach_home", None),
        ("coach", "coach_overview", None),
        ("coach", "brief", "next"),
        ("coach", "session", "next"),
        ("client", "session", "next"),
        ("coach", "engagement", "engagement"),
        ("coach", "homework", "homework"),
        ("client", "homework", "homework"),
        ("client", "my_insights", None),
        ("client", "notebook", None),
    ],
)
def test_the_page_queries_nothing_from_its_templates(
    history: dict[str, int], alice_bob: Engagement, alice: User, bob: User, who: str, name: str, arg: str | None
) -> None:
    client = signed_in(alice if who == "coach" else bob)
    args = [] if arg is None else [alice_bob.pk if arg == "engagement" else history[arg]]
    with queries_from_templates() as queries:
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert queries == [], queries


@pytest.mark.django_db
def test_the_watch_sees_a_query_made_by_a_template(alice: User) -> None:
    from django.template import Context, Template

    template = Template("{% for user in users %}{{ user.email }}{% endfor %}")
    with queries_from_templates() as queries:
        template.render(Context({"users": User.objects.filter(pk=alice.pk)}))
    assert len(queries) == 1
