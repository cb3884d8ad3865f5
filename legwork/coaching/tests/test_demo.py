from __future__ import annotations

import pytest
from django.core.management import call_command

from legwork.accounts.models import User
from legwork.coaching.models import AgendaItem, Engagement


@pytest.mark.django_db
def test_it_builds_the_demo_practice_once_and_is_safe_to_run_twice() -> None:
    call_command("demo")
    call_command("demo")
    assert User.objects.filter(email="coach@legwork.test").count() == 1
    coach = User.objects.get(email="coach@legwork.test")
    assert Engagement.objects.filter(coach=coach).count() == 5
    assert Engagement.objects.get(client__email="maya@legwork.test").status == Engagement.Status.PAUSED
    assert AgendaItem.objects.open().filter(engagement__client__email="jordan@legwork.test").exists()
