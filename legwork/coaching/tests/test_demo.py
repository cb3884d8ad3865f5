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


@pytest.mark.django_db
def test_the_demo_command_prints_only_the_sign_ins(capsys: pytest.CaptureFixture[str]) -> None:
    """`make run` shows the sign-ins and then the address: no feed addresses, no emails in between."""
    import io

    out = io.StringIO()
    call_command("demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Building the demo practice")
    assert lines[1] == "Sign in with the password “legwork-demo” as:"
    assert [line.split(": ")[0].strip() for line in lines[2:]] == [
        "coach",
        "steady",
        "crammer",
        "stuck",
        "new",
        "paused",
    ]
    assert capsys.readouterr().out == ""
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert len(out.getvalue().splitlines()) == 7
