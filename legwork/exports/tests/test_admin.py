"""The Django admin shows staff people and engagements, never a client's words.

Lives beside the exports because, like them, it reaches every app's models.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework, make_progress, make_session, make_user
from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement, Session
from legwork.coaching.services import invitation_create
from legwork.exercises.models import Exercise
from legwork.exercises.services import exercise_propose
from legwork.insights.models import Reflection
from legwork.notebook.models import EntryDraft, JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence
from legwork.reminders.models import OutboxMessage, Reminder

pytestmark = pytest.mark.django_db

CANARY = "CANARY-ad41"

# Who people are and how they work together: what staff need, and all the admin may show.
ALLOWED = {
    "auth.Group",
    "accounts.User",
    "account.EmailAddress",
    "mfa.Authenticator",
    "coaching.Engagement",
    "coaching.Invitation",
    "insights.InsightSettings",
    "django_tasks_database.DBTaskResult",
    # Single sign-on: a practice's identity provider and the accounts linked to it (legwork/practice/sso.py).
    "practice.Practice",
    "socialaccount.SocialApp",
    "socialaccount.SocialAccount",
    "socialaccount.SocialToken",
}
# Fields about people, not content; every other text field of Legwork's models gets the canary.
PEOPLE_FIELDS = {"accounts.User", "coaching.Invitation", "api.ApiToken", "reminders.CalendarFeed"}


def _plant(instance: models.Model) -> None:
    """Put the canary in every free-text field of `instance`, straight into the database."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.choices or field.primary_key or field.is_relation:
            continue
        if isinstance(field, models.JSONField):
            values[field.name] = {CANARY: [CANARY]}
        elif isinstance(field, models.CharField | models.TextField):
            value = f"{CANARY.lower() if isinstance(field, models.SlugField) else CANARY}-{instance.pk}"
            values[field.name] = value[: field.max_length] if field.max_length else value
    if values:
        type(instance)._default_manager.filter(pk=instance.pk).update(**values)


@pytest.fixture
def world(alice: User, bob: User, alice_bob: Engagement) -> list[models.Model]:
    now = timezone.now()
    goal = alice_bob.goals.create(title="goal")
    held = make_session(alice_bob, at=now - dt.timedelta(days=7), status=Session.Status.HELD)
    upcoming = make_session(alice_bob, at=now + dt.timedelta(days=7))
    homework = make_homework(alice_bob, goal=goal, agreed_in=held)
    progress = make_progress(homework, note="note")
    values = Exercise.objects.get(slug="values", owner=None)
    proposed = exercise_propose(exercise=values, engagement=alice_bob, by=alice)
    own_exercise = Exercise.objects.create(slug="mine", title="Mine", owner=alice)
    entry = JournalEntry.objects.create(client=bob, title="title", body="body", homework=homework)
    block = ThinkingTimeBlock.objects.create(client=bob, start_time=dt.time(9), note="garden")
    reminder = Reminder.objects.create(recipient=bob, kind="homework_waiting", due_at=now, dedupe_key="k")
    made: list[models.Model] = [
        goal,
        held,
        upcoming,
        homework,
        progress,
        proposed,
        own_exercise,
        entry,
        block,
        AgendaItem.objects.create(engagement=alice_bob, kind="to_explore", text="text", homework=homework),
        EntryDraft.objects.create(client=bob, entry=entry, body="draft"),
        ThinkingTimeOccurrence.objects.create(block=block, starts_at=now, status="taken", note="note"),
        Reflection.objects.create(session=upcoming, what_i_did="did"),
        reminder,
        OutboxMessage.objects.create(
            idempotency_key="i", message_id="<m@x>", reminder=reminder, to=bob.email, subject="s", text="t", html="h"
        ),
    ]
    invitation_create(coach=alice, email="nia@example.com", send_email=False)
    for model in apps.get_models():
        if model.__module__.startswith("legwork.") and model._meta.label not in PEOPLE_FIELDS:
            for instance in model._default_manager.all():
                _plant(instance)
    return made


def admin_urls() -> list[str]:
    urls = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") + "?q=bob")
        for pk in model._default_manager.values_list("pk", flat=True):
            for view in ("change", "delete", "history"):
                urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[pk]))
        if model_admin.has_add_permission(_superuser_request()):
            urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    return urls


def _superuser_request() -> Any:
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    return request


def test_no_admin_page_shows_a_clients_words(world: list[models.Model]) -> None:
    # The canary really is in the content, where a coach's or client's page finds it.
    assert Reflection.objects.filter(what_i_did__contains=CANARY).exists()
    assert JournalEntry.objects.filter(title__contains=CANARY).exists()
    staff = make_user("root@example.com")
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    urls = admin_urls()
    assert len(urls) > 40
    leaks = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if CANARY in response.content.decode() or CANARY.lower() in response.content.decode():
            leaks.append(url)
    assert leaks == []
    # The people pages themselves are there to use.
    assert "bob@example.com" in client.get(reverse("admin:accounts_user_changelist")).content.decode()
    engagements = client.get(reverse("admin:coaching_engagement_changelist")).content.decode()
    assert re.search(r"Bob.*with.*Alice", engagements)


def test_only_people_and_engagements_have_an_admin() -> None:
    assert {model._meta.label for model in admin.site._registry} == ALLOWED


def test_staff_see_no_two_factor_secret(alice: User) -> None:
    from allauth.mfa.models import Authenticator

    authenticator = Authenticator.objects.create(user=alice, type=Authenticator.Type.TOTP, data={"secret": CANARY})
    staff = make_user("root@example.com")
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
    assert page.status_code == 200
    assert CANARY not in page.content.decode()
