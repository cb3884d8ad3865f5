"""The practice's shared library: an owner shares an exercise; the practice's other coaches use it, never edit it;
a coach of another practice never sees it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import join_practice, make_engagement, make_user
from legwork.accounts.models import User
from legwork.exercises.models import Exercise, HomeworkExercise

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_own(owner: User, title: str = "Alice's networking map", slug: str = "networking-map") -> Exercise:
    return Exercise.objects.create(
        owner=owner, slug=slug, title=title, fields=[{"name": "who", "label": "Who do you know?", "type": "list"}]
    )


def test_an_owner_shares_with_their_practice_and_can_stop(alice: User) -> None:
    exercise = make_own(alice)
    owner = signed_in(alice)
    page = owner.get(exercise.get_absolute_url()).content.decode()
    assert "Share with my practice" in page
    assert owner.post(reverse("exercise_share", args=[exercise.pk])).status_code == 302
    exercise.refresh_from_db()
    assert exercise.shared_at is not None
    assert "Shared with your practice" in owner.get(reverse("exercises")).content.decode()
    owner.post(reverse("exercise_share", args=[exercise.pk]))
    exercise.refresh_from_db()
    assert exercise.shared_at is None


def test_a_coachs_own_stay_theirs_unless_shared(alice: User, frank: User) -> None:
    exercise = make_own(alice)
    colleague = signed_in(frank)
    assert "networking map" not in colleague.get(reverse("exercises")).content.decode()
    assert colleague.get(exercise.get_absolute_url()).status_code == 404
    assert colleague.post(reverse("exercise_duplicate", args=[exercise.pk])).status_code == 404


def test_the_practices_other_coaches_see_a_shared_one_marked_and_use_it(alice: User, frank: User, dan: User) -> None:
    exercise = make_own(alice)
    exercise.share()
    engagement = make_engagement(frank, dan)
    colleague = signed_in(frank)
    library = colleague.get(reverse("exercises")).content.decode()
    assert "Shared in your practice" in library
    assert "Alice&#x27;s networking map" in library
    assert "shared by Alice Coach" in library
    detail = colleague.get(exercise.get_absolute_url()).content.decode()
    assert "shared by Alice Coach, read-only" in detail
    assert "Share with my practice" not in detail
    assert reverse("exercise_edit", args=[exercise.pk]) not in detail
    response = colleague.post(reverse("exercise_propose", args=[exercise.pk]), {"engagement": engagement.pk})
    assert response.status_code == 302
    carried = HomeworkExercise.objects.get(exercise=exercise)
    assert carried.homework.engagement == engagement
    assert carried.fields_snapshot == exercise.fields
    copy_response = colleague.post(reverse("exercise_duplicate", args=[exercise.pk]))
    assert copy_response.status_code == 302
    assert Exercise.objects.filter(owner=frank, title__endswith="(my copy)").count() == 1


@pytest.mark.parametrize("action", ["exercise_edit", "exercise_archive", "exercise_share"])
def test_a_colleague_cannot_change_a_shared_one(alice: User, frank: User, action: str) -> None:
    exercise = make_own(alice)
    exercise.share()
    colleague = signed_in(frank)
    url = reverse(action, args=[exercise.pk])
    response = colleague.post(url, {"title": "Frank's now", "purpose": "act", "kind": "logical"})
    assert response.status_code == 403
    before = exercise.updated_at
    exercise.refresh_from_db()
    assert (exercise.title, exercise.archived_at, exercise.updated_at) == ("Alice's networking map", None, before)
    assert exercise.shared_at is not None
    assert colleague.get(reverse("exercise_edit", args=[exercise.pk])).status_code == 403


def test_a_coach_of_another_practice_never_sees_a_shared_one(alice: User, carol: User, dan: User) -> None:
    exercise = make_own(alice)
    exercise.share()
    engagement = make_engagement(carol, make_user("zoe@example.com"))
    outsider = signed_in(carol)
    assert "networking map" not in outsider.get(reverse("exercises")).content.decode()
    assert outsider.get(exercise.get_absolute_url()).status_code == 404
    assert outsider.get(reverse("exercise_export", args=[exercise.pk])).status_code == 404
    assert outsider.post(reverse("exercise_duplicate", args=[exercise.pk])).status_code == 404
    response = outsider.post(reverse("exercise_propose", args=[exercise.pk]), {"engagement": engagement.pk})
    assert response.status_code == 404
    assert outsider.post(reverse("exercise_share", args=[exercise.pk])).status_code == 404
    assert not HomeworkExercise.objects.exists()
    assert not Exercise.objects.filter(owner=carol).exists()


def test_a_client_never_reaches_the_library(alice: User, bob: User) -> None:
    exercise = make_own(alice)
    exercise.share()
    assert signed_in(bob).get(exercise.get_absolute_url()).status_code == 403


def test_an_archived_or_unshared_one_leaves_the_colleagues_library(alice: User, frank: User) -> None:
    exercise = make_own(alice)
    exercise.share()
    colleague = signed_in(frank)
    assert colleague.get(exercise.get_absolute_url()).status_code == 200
    exercise.archive()
    assert colleague.get(exercise.get_absolute_url()).status_code == 404
    exercise.unarchive()
    exercise.unshare()
    assert colleague.get(exercise.get_absolute_url()).status_code == 404


def test_the_library_is_flat_in_queries_as_the_practice_shares_more(alice: User, frank: User) -> None:
    colleague = signed_in(frank)

    def share_from(coaches: int, batch: str) -> None:
        for n in range(coaches):
            coach = join_practice(alice, make_user(f"coach{batch}{n}@example.com", is_coach=True))
            make_own(coach, f"Map {batch}{n}", f"map-{batch}{n}").share()

    share_from(1, "a")
    with CaptureQueriesContext(connection) as few:
        assert colleague.get(reverse("exercises")).status_code == 200
    share_from(6, "b")
    with CaptureQueriesContext(connection) as many:
        page = colleague.get(reverse("exercises")).content.decode()
    assert "Map b5" in page
    assert len(many) == len(few)
