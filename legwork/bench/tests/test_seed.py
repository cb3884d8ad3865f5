from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import F

from legwork.accounts.models import User
from legwork.bench.models import ScaleSeed
from legwork.bench.seed import CLIENTS_PER_COACH, SESSIONS_PER_CLIENT, client_email, coach_email
from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework, ProgressEntry

pytestmark = pytest.mark.django_db


def test_it_seeds_twenty_clients_with_two_years_of_history_per_coach(capsys: Any) -> None:
    call_command("seed_scale", coaches=2)

    assert User.objects.filter(is_coach=True, email__endswith="@scale.legwork.test").count() == 2
    assert User.objects.filter(is_coach=False, email__endswith="@scale.legwork.test").count() == 2 * CLIENTS_PER_COACH
    assert Engagement.objects.count() == 2 * CLIENTS_PER_COACH
    assert Session.objects.count() == 2 * CLIENTS_PER_COACH * SESSIONS_PER_CLIENT
    engagement = Engagement.objects.get(coach__email=coach_email(1), client__email=client_email(1, 3))
    assert engagement.sessions.scheduled().exists()
    assert engagement.sessions.filter(status=Session.Status.HELD).count() > 40
    # Every interval but the current one is reviewed; the current one is open.
    open_homework = Homework.objects.filter(engagement=engagement).open()
    assert open_homework.exists()
    assert {item.agreed_in for item in open_homework} == {engagement.last_held_session()}
    assert Homework.objects.filter(engagement=engagement).reviewed().count() > 40
    assert ProgressEntry.objects.count() > 2 * CLIENTS_PER_COACH * 50
    # Progress is written by the homework's own client.
    assert not ProgressEntry.objects.exclude(author=F("homework__engagement__client")).exists()
    assert "Seeded 2 coaches" in capsys.readouterr().out


def test_it_seeds_journal_entries_and_thinking_time_when_the_notebook_has_them() -> None:
    call_command("seed_scale", coaches=1)

    journal = apps.get_model("notebook", "JournalEntry")
    blocks = apps.get_model("notebook", "ThinkingTimeBlock")
    assert journal.objects.filter(client__email=client_email(0, 0)).count() > 0
    # Some are shared with the coach, the others private.
    assert journal.objects.filter(shared_with__isnull=False).exists()
    assert journal.objects.filter(shared_with__isnull=True).exists()
    assert blocks.objects.count() == CLIENTS_PER_COACH


def test_it_seeds_only_the_coaches_that_are_missing(capsys: Any) -> None:
    call_command("seed_scale", coaches=1)
    sessions = Session.objects.count()

    call_command("seed_scale", coaches=1)
    assert Session.objects.count() == sessions
    assert "already has 1 coaches" in capsys.readouterr().out

    call_command("seed_scale", coaches=2)
    assert Session.objects.count() == 2 * sessions
    assert ScaleSeed.objects.get().coaches == 2


def test_it_refuses_a_practice_of_no_coaches() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_scale", coaches=0)


def test_it_puts_coaches_in_practices_of_twenty_each_owned_by_its_first(monkeypatch: Any) -> None:
    from legwork.bench import seed
    from legwork.practice.models import Membership, Practice

    monkeypatch.setattr(seed, "COACHES_PER_PRACTICE", 2)  # 20 real coaches would take a while: 2 show the shape
    monkeypatch.setattr(seed, "CLIENTS_PER_COACH", 1)
    call_command("seed_scale", coaches=3)  # batches of 5: one batch, a practice and a half
    call_command("seed_scale", coaches=5)  # the half-made practice is filled, not made twice
    assert Practice.objects.count() == 3
    roles = {m.user.email: (m.practice.name, m.role) for m in Membership.objects.select_related("user", "practice")}
    assert roles[coach_email(0)] == ("Scale practice 0", "owner")
    assert roles[coach_email(1)] == ("Scale practice 0", "coach")
    assert roles[coach_email(2)] == ("Scale practice 1", "owner")
    assert roles[coach_email(3)] == ("Scale practice 1", "coach")
    assert roles[coach_email(4)] == ("Scale practice 2", "owner")
