"""The practice: a practice of one for every coach, roles, the admin's counts-only pages, coach invitations."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import PASSWORD, join_practice, make_engagement, make_homework, make_progress, make_session, make_user
from legwork.accounts.models import User
from legwork.coaching.models import Engagement
from legwork.conversation.models import Message
from legwork.homework.models import Homework, Outcome
from legwork.insights.metrics import completion
from legwork.insights.models import Reflection
from legwork.notebook.models import JournalEntry
from legwork.practice.models import CoachInvitation, Membership, Practice
from legwork.practice.roster import follow_through, roster
from legwork.practice.services import coach_invite, practice_of

CANARIES = [
    "canary-journal-91c2",
    "canary-private-77aa",
    "canary-reflection-3d0e",
    "canary-progress-5b1f",
    "canary-thread-c4e8",
]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def fill_with_content(engagement: Engagement) -> None:
    """Every kind of client content, each carrying a canary the admin must never see."""
    now = timezone.now()
    held = make_session(engagement, at=now - dt.timedelta(days=3), status="held", private_notes=CANARIES[1])
    upcoming = make_session(engagement, at=now + dt.timedelta(days=4))
    homework = make_homework(engagement, title="Call Dana", agreed_in=held, status=Homework.Status.CONFIRMED)
    make_progress(homework, note=CANARIES[3])
    Message.objects.create(homework=homework, engagement=engagement, author=engagement.client, body=CANARIES[4])
    Reflection.objects.create(session=upcoming, what_i_did=CANARIES[2])
    entry = JournalEntry.objects.create(client=engagement.client, title="Shared", body=CANARIES[0])
    entry.share(engagement)


def test_every_coach_is_a_practice_of_one_with_nothing_to_set_up(alice: User) -> None:
    membership = practice_of(alice)
    assert membership.role == Membership.Role.OWNER
    assert membership.is_admin
    assert list(membership.practice.memberships.all()) == [membership]
    assert practice_of(alice) == membership  # asked again: the same one, not a second practice
    response = signed_in(alice).get("/practice/")
    assert response.status_code == 200
    assert "Alice Coach&#x27;s practice" in response.content.decode()


def test_the_data_migration_makes_a_practice_for_each_coach_who_had_none(alice: User, carol: User, bob: User) -> None:
    migration = import_module("legwork.practice.migrations.0002_a_practice_of_one_for_every_coach")
    practice_of(alice)
    migration.make_practices(apps, None)
    assert Membership.objects.get(user=carol).role == "owner"
    assert Membership.objects.filter(user=alice).count() == 1  # one already had one: left alone
    assert not Membership.objects.filter(user=bob).exists()  # clients are in no practice
    assert Practice.objects.count() == 2


def test_the_admin_sees_counts_and_never_client_content(alice: User, bob: User, olive: User, frank: User) -> None:
    fill_with_content(make_engagement(alice, bob))
    admin = signed_in(olive)
    pages = ["/practice/", f"/practice/coaches/{Membership.objects.get(user=alice).pk}/"]
    for url in pages:
        page = admin.get(url).content.decode()
        for canary in CANARIES:
            assert canary not in page, (url, canary)
    roster = admin.get("/practice/").content.decode()
    assert "Alice Coach" in roster
    assert "Frank Coach" in roster
    # The engagement's own pages stay shut to the admin, as to any other coach.
    engagement = Engagement.objects.get(client=bob)
    assert admin.get(f"/engagements/{engagement.pk}/").status_code == 404


def test_a_coach_who_is_not_an_admin_sees_who_the_admins_are_and_nothing_else(
    alice: User, frank: User, olive: User
) -> None:
    coach = signed_in(frank)
    page = coach.get("/practice/").content.decode()
    assert "Olive Admin" in page
    assert "Sessions held" not in page
    assert coach.get(f"/practice/coaches/{Membership.objects.get(user=alice).pk}/").status_code == 404
    assert coach.get("/practice/settings/").status_code == 403


def test_a_client_has_no_practice_page(bob: User) -> None:
    assert signed_in(bob).get("/practice/").status_code == 302


def _practice_with(coaches: int, owner: User, batch: str) -> None:
    for n in range(coaches):
        coach = join_practice(owner, make_user(f"coach{batch}{n}@example.com", is_coach=True))
        for m in range(2):
            engagement = make_engagement(coach, make_user(f"client{batch}{n}-{m}@example.com"))
            fill_with_content(engagement)


def test_the_admins_page_is_flat_in_queries_as_coaches_and_clients_grow(alice: User) -> None:
    admin = signed_in(alice)
    _practice_with(2, alice, "a")
    with CaptureQueriesContext(connection) as few:
        assert admin.get("/practice/").status_code == 200
    _practice_with(8, alice, "b")
    with CaptureQueriesContext(connection) as many:
        assert admin.get("/practice/").status_code == 200
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_practices_follow_through_is_the_completion_the_insights_count(
    alice: User, bob: User, frank: User, dan: User
) -> None:
    outcomes = [Outcome.DONE, Outcome.DONE, Outcome.PARTLY, Outcome.NOT_DONE, Outcome.DROPPED]
    for coach, client in [(alice, bob), (frank, dan)]:
        engagement = make_engagement(coach, client)
        for outcome in outcomes:
            make_homework(engagement, outcome=outcome, reviewed_at=timezone.now())
    numbers = follow_through(practice_of(alice).practice)
    done, counted = completion(list(Homework.objects.all()))
    assert (numbers.reviewed, numbers.done, numbers.dropped) == (10, 4, 2)
    assert numbers.completion_rate == done / counted == 0.5
    assert numbers.clients == 2


def test_the_roster_counts_each_coachs_last_30_days_and_their_last_session_held(
    alice: User, bob: User, carol: User, dan: User, frank: User
) -> None:
    """Read over all of a coach's engagements: the latest held session may be any client's, and the
    cancelled, the still to come and another coach's sessions are not it."""
    now = timezone.now()
    with_bob, with_dan = make_engagement(alice, bob), make_engagement(alice, dan)
    make_session(with_bob, at=now - dt.timedelta(days=40), status="held")
    latest = make_session(with_dan, at=now - dt.timedelta(days=3), status="held")
    make_session(with_bob, at=now - dt.timedelta(days=1), status="cancelled")
    make_session(with_bob, at=now + dt.timedelta(days=2))
    make_session(make_engagement(frank, carol), at=now - dt.timedelta(hours=1), status="held")
    make_homework(with_bob, created_at=now - dt.timedelta(days=40))
    make_homework(with_dan, created_at=now - dt.timedelta(days=2))
    make_homework(with_bob, created_at=now - dt.timedelta(days=1), reviewed_at=now, outcome=Outcome.DONE)
    make_homework(with_dan, created_at=now - dt.timedelta(days=100), reviewed_at=now - dt.timedelta(days=95))
    rows: dict[int, Any] = {row.user_id: row for row in roster(practice_of(alice).practice)}  # annotated rows
    assert (rows[alice.pk].clients, rows[alice.pk].sessions_held, rows[alice.pk].homework_agreed) == (2, 1, 2)
    assert rows[alice.pk].last_session_at == latest.scheduled_at
    make_progress(Homework.objects.filter(engagement=with_bob).earliest("pk"), written_at=now - dt.timedelta(days=2))
    make_progress(Homework.objects.filter(engagement=with_dan).earliest("pk"), written_at=now - dt.timedelta(days=20))
    numbers = follow_through(practice_of(alice).practice)
    assert numbers.reviewed == 1  # the one reviewed 95 days ago is past 90
    assert (numbers.clients, numbers.clients_active) == (3, 1)  # Dan's work is older than 14 days; Carol's none


def test_an_admin_invites_a_coach_who_joins_the_practice(alice: User, smtp_settings: Any) -> None:
    admin = signed_in(alice)
    response = admin.post("/practice/", {"email": "gina@example.com", "role": "coach", "send_email": "on"})
    assert response.status_code == 302
    assert len(smtp_settings.messages) == 1
    link = admin.get("/practice/").context["new_link"]
    token = link.rsplit("/", 2)[-2]
    # Gina signs up on her own first (a practice of one), then follows the link.
    gina = make_user("gina@example.com", is_coach=True)
    solo = practice_of(gina).practice
    response = signed_in(gina).post(f"/practice/join/{token}/")
    assert response.status_code == 302
    assert Membership.objects.get(user=gina).practice == practice_of(alice).practice
    assert not Practice.objects.filter(pk=solo.pk).exists()
    assert signed_in(gina).post(f"/practice/join/{token}/").status_code == 404  # single use


def test_an_invitation_is_for_its_address_alone(alice: User, carol: User) -> None:
    invitation, token = coach_invite(
        practice=practice_of(alice).practice, email="gina@example.com", role="coach", by=alice, send_email=False
    )
    response = signed_in(carol).post(f"/practice/join/{token}/")
    assert response.status_code == 200
    assert "This invitation is for gina@example.com" in response.content.decode()
    assert practice_of(carol).practice != invitation.practice
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_bad_invitation_form_keeps_the_text_and_says_why(alice: User) -> None:
    response = signed_in(alice).post("/practice/", {"email": "not an address", "role": "coach"})
    assert response.status_code == 400
    assert "not an address" in response.content.decode()
    assert not CoachInvitation.objects.exists()


def test_a_deactivated_coach_cannot_sign_in_and_one_with_clients_is_handed_over_first(
    alice: User, frank: User, dan: User
) -> None:
    admin = signed_in(alice)
    member = Membership.objects.get(user=frank)
    engagement = make_engagement(frank, dan)
    admin.post(f"/practice/coaches/{member.pk}/deactivate/")
    frank.refresh_from_db()
    assert frank.is_active
    engagement.set_status(Engagement.Status.ENDED)
    admin.post(f"/practice/coaches/{member.pk}/deactivate/")
    frank.refresh_from_db()
    assert not frank.is_active
    assert not Client().login(email="frank@example.com", password=PASSWORD)
    admin.post(f"/practice/coaches/{member.pk}/reactivate/")
    assert Client().login(email="frank@example.com", password=PASSWORD)


def test_the_owner_cannot_be_deactivated(alice: User, olive: User) -> None:
    owner = Membership.objects.get(user=alice)
    signed_in(olive).post(f"/practice/coaches/{owner.pk}/deactivate/")
    alice.refresh_from_db()
    assert alice.is_active


@pytest.mark.parametrize("who", ["frank", "carol"])
def test_only_this_practices_admins_reach_its_coaches(alice: User, frank: User, carol: User, who: str) -> None:
    member = Membership.objects.get(user=frank)
    visitor = signed_in(frank if who == "frank" else carol)
    assert visitor.get(f"/practice/coaches/{member.pk}/").status_code == 404
    assert visitor.post(f"/practice/coaches/{member.pk}/deactivate/").status_code == 404
    frank.refresh_from_db()
    assert frank.is_active


def test_the_admins_pages_count_the_same_queries_for_2_and_12_coaches(alice: User) -> None:
    """Both of the admin's pages: the roster, and one coach's page (whose clients grow with the practice)."""
    admin = signed_in(alice)
    _practice_with(2, alice, "a")
    member = Membership.objects.filter(user__email="coacha0@example.com").get()
    pages = ["/practice/", f"/practice/coaches/{member.pk}/"]
    few = []
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(url).status_code == 200
        few.append(len(queries))
    _practice_with(10, alice, "b")
    for n in range(3):
        make_engagement(member.user, make_user(f"more{n}@example.com"))
    for url, before in zip(pages, few, strict=True):
        with CaptureQueriesContext(connection) as queries:
            page = admin.get(url).content.decode()
        assert len(queries) == before, (url, [q["sql"][:120] for q in queries.captured_queries])
        if url != "/practice/":  # the coach's page really lists the clients added since
            assert User.objects.get(email="more2@example.com").display_name in page
    assert Membership.objects.filter(practice=member.practice).count() == 13  # alice and 12 coaches


def test_the_admins_pages_count_the_same_queries_for_1_and_6_practices(alice: User) -> None:
    """Other practices, each with an owner, coaches and clients, cost the admin's pages nothing."""
    admin = signed_in(alice)
    _practice_with(2, alice, "a")
    member = Membership.objects.filter(user__email="coacha0@example.com").get()
    pages = ["/practice/", f"/practice/coaches/{member.pk}/"]
    few = []
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(url).status_code == 200
        few.append(len(queries))
    for p in range(5):
        owner = make_user(f"owner{p}@example.com", is_coach=True)
        practice_of(owner)
        _practice_with(3, owner, f"p{p}-")
    assert Practice.objects.count() == 6
    for url, before in zip(pages, few, strict=True):
        with CaptureQueriesContext(connection) as queries:
            page = admin.get(url).content.decode()
        assert len(queries) == before, (url, [q["sql"][:120] for q in queries.captured_queries])
        assert "Owner0" not in page  # nor do they show
        assert "Coachp0-0" not in page
