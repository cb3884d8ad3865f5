"""The practice's API: its admin reads the counts the admin's page shows, never a client's content;
a coach of the practice sees who its admins are; another practice's coach is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from conftest import make_engagement, make_homework, make_progress
from legwork.accounts.models import User
from legwork.homework.models import Outcome
from legwork.practice.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(alice: User, bob: User, olive: User, frank: User) -> None:
    engagement = make_engagement(alice, bob)
    for outcome in (Outcome.DONE, Outcome.DONE, Outcome.NOT_DONE, Outcome.DROPPED):
        make_homework(engagement, title="canary-title-c1", outcome=outcome, reviewed_at=timezone.now())
    make_progress(make_homework(engagement), note="canary-progress-c2")


def test_the_admin_reads_the_practices_counts(api: Any, busy: None, alice: User, olive: User, frank: User) -> None:
    admin = api(olive)
    summary = admin.get("/api/v1/practice").json()
    assert (summary["role"], summary["coaches"]) == ("admin", 3)
    assert [a["name"] for a in summary["admins"]] == ["Alice Coach", "Olive Admin"]
    numbers = summary["follow_through"]
    assert (numbers["reviewed"], numbers["done"], numbers["dropped"], numbers["clients"]) == (4, 2, 1, 1)
    assert numbers["completion_rate"] == pytest.approx(2 / 3)
    coaches = {row["coach"]["name"]: row for row in admin.get("/api/v1/practice/coaches").json()["results"]}
    assert set(coaches) == {"Alice Coach", "Olive Admin", "Frank Coach"}
    assert (coaches["Alice Coach"]["clients"], coaches["Alice Coach"]["homework_agreed"]) == (1, 5)
    assert coaches["Alice Coach"]["role"] == "owner"
    one = admin.get(f"/api/v1/practice/coaches/{coaches['Frank Coach']['id']}").json()
    assert one == coaches["Frank Coach"]
    for url in (
        "/api/v1/practice",
        "/api/v1/practice/coaches",
        f"/api/v1/practice/coaches/{coaches['Alice Coach']['id']}",
    ):
        body = admin.get(url).content.decode()
        assert "canary" not in body
        assert "Bob" not in body  # no client is named in the API's practice at all


def test_a_coach_of_the_practice_sees_its_admins_and_no_counts(api: Any, busy: None, alice: User, frank: User) -> None:
    coach = api(frank)
    summary = coach.get("/api/v1/practice").json()
    assert (summary["role"], summary["follow_through"]) == ("coach", None)
    assert "Olive Admin" in [a["name"] for a in summary["admins"]]
    assert coach.get("/api/v1/practice/coaches").status_code == 403
    member = Membership.objects.get(user=alice)
    assert coach.get(f"/api/v1/practice/coaches/{member.pk}").status_code == 404


def test_another_practices_coach_and_a_client_are_refused(
    api: Any, busy: None, alice: User, carol: User, bob: User
) -> None:
    member = Membership.objects.get(user=alice)
    other = api(carol)
    assert other.get("/api/v1/practice").json()["name"] != "Alice Coach's practice"
    assert other.get(f"/api/v1/practice/coaches/{member.pk}").status_code == 404
    client = api(bob)
    assert client.get("/api/v1/practice").status_code == 403
    assert client.get("/api/v1/practice/coaches").status_code == 403
    assert client.get(f"/api/v1/practice/coaches/{member.pk}").status_code == 404
