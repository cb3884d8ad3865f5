"""Check-in scales shared in the practice: a coach shares a scale of their own making; the practice's other
coaches add it to their engagements (its words, never its answers), never share or unshare it; a coach of
another practice never sees it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_engagement, make_session
from legwork.accounts.models import User
from legwork.api.tests.conftest import token_client
from legwork.coaching.models import Engagement
from legwork.quality.models import CheckInAnswer, CheckInScale
from legwork.quality.services import check_in_scales_set

pytestmark = pytest.mark.django_db

OWN = ("How rested do I feel?", "worn out", "fresh")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def scale(alice: User, alice_bob: Engagement) -> CheckInScale:
    (made,) = check_in_scales_set(engagement=alice_bob, by=alice, keys=[], own=[OWN])
    CheckInAnswer.objects.create(scale=made, session=make_session(alice_bob), value=3)
    return made


def test_a_coach_shares_their_own_scale_from_the_scales_page_and_can_stop(
    alice: User, alice_bob: Engagement, scale: CheckInScale
) -> None:
    coach = signed_in(alice)
    page = coach.get(reverse("check_in_scales", args=[alice_bob.pk])).content.decode()
    assert "Share with my practice" in page
    assert coach.post(reverse("check_in_scale_share", args=[scale.pk])).status_code == 302
    scale.refresh_from_db()
    assert scale.shared_at is not None
    assert "Shared with your practice" in coach.get(reverse("check_in_scales", args=[alice_bob.pk])).content.decode()
    coach.post(reverse("check_in_scale_share", args=[scale.pk]))
    scale.refresh_from_db()
    assert scale.shared_at is None


def test_a_coachs_own_scale_stays_theirs_unless_shared(
    alice: User, frank: User, dan: User, scale: CheckInScale
) -> None:
    engagement = make_engagement(frank, dan)
    colleague = signed_in(frank)
    assert OWN[0] not in colleague.get(reverse("check_in_scales", args=[engagement.pk])).content.decode()
    assert colleague.post(reverse("check_in_scale_share", args=[scale.pk])).status_code == 404
    with pytest.raises(Exception, match="not in your library"):
        check_in_scales_set(engagement=engagement, by=frank, keys=[], own=[], library=[scale.pk])
    assert token_client(frank).get(f"/api/v1/check-in-scales/{scale.pk}").status_code == 404


def test_the_practices_other_coaches_add_a_shared_scale_its_words_not_its_answers(
    alice: User, frank: User, dan: User, scale: CheckInScale
) -> None:
    scale.share()
    engagement = make_engagement(frank, dan)
    colleague = signed_in(frank)
    url = reverse("check_in_scales", args=[engagement.pk])
    page = colleague.get(url).content.decode()
    assert f"{OWN[0]} ({OWN[1]} – {OWN[2]}), shared by Alice Coach" in page
    assert "Bob" not in page  # whose engagement it came from is no one else's business
    response = colleague.post(url, {"library": [str(scale.pk)]})
    assert response.status_code == 302
    copy = CheckInScale.objects.get(engagement=engagement)
    assert (copy.question, copy.low_label, copy.high_label, copy.shared_at) == (*OWN, None)
    assert not copy.answers.exists()
    # Frank may use it, never share or unshare it: it is alice's.
    assert colleague.post(reverse("check_in_scale_share", args=[scale.pk])).status_code == 403
    assert token_client(frank).post(f"/api/v1/check-in-scales/{scale.pk}/unshare").status_code == 403
    scale.refresh_from_db()
    assert scale.shared_at is not None


def test_a_coach_of_another_practice_never_sees_a_shared_scale(
    alice: User, carol: User, dan: User, carol_dan: Engagement, scale: CheckInScale
) -> None:
    scale.share()
    other = signed_in(carol)
    assert OWN[0] not in other.get(reverse("check_in_scales", args=[carol_dan.pk])).content.decode()
    assert other.post(reverse("check_in_scale_share", args=[scale.pk])).status_code == 404
    api = token_client(carol)
    assert api.get("/api/v1/check-in-scales").json() == {"results": []}
    for method, path in [("GET", ""), ("POST", "/share"), ("POST", "/unshare")]:
        response = api.send(method, f"/api/v1/check-in-scales/{scale.pk}{path}")
        assert response.status_code == 404, (method, path)
    body = {"library": [scale.pk]}
    response = api.send("PUT", f"/api/v1/engagements/{carol_dan.pk}/check-ins", body)
    assert response.status_code == 400
    assert not CheckInScale.objects.filter(engagement=carol_dan).exists()


def test_the_api_lists_shares_and_adds_from_the_library(
    alice: User, frank: User, dan: User, scale: CheckInScale
) -> None:
    owner = token_client(alice)
    assert owner.get("/api/v1/check-in-scales").json()["results"][0]["shared_by"] is None
    shared = owner.post(f"/api/v1/check-in-scales/{scale.pk}/share").json()
    assert shared["shared_at"] is not None
    colleague = token_client(frank)
    (item,) = colleague.get("/api/v1/check-in-scales").json()["results"]
    assert (item["question"], item["shared_by"]) == (OWN[0], "Alice Coach")
    assert colleague.get(f"/api/v1/check-in-scales/{scale.pk}").json()["id"] == scale.pk
    engagement = make_engagement(frank, dan)
    body = {"keys": ["energy"], "library": [scale.pk]}
    scales = colleague.send("PUT", f"/api/v1/engagements/{engagement.pk}/check-ins", body).json()["scales"]
    assert [s["question"] for s in scales] == ["Energy for the search", OWN[0]]
    assert owner.post(f"/api/v1/check-in-scales/{scale.pk}/unshare").json()["shared_at"] is None
    (mine,) = colleague.get("/api/v1/check-in-scales").json()["results"]  # frank's own copy now, not alice's
    assert mine == {**item, "id": mine["id"], "shared_at": None, "shared_by": None}
    assert CheckInScale.objects.get(pk=mine["id"]).engagement == engagement


def test_an_id_no_row_could_have_is_not_in_the_library(alice: User, alice_bob: Engagement) -> None:
    response = token_client(alice).send("PUT", f"/api/v1/engagements/{alice_bob.pk}/check-ins", {"library": [2**70]})
    assert response.status_code == 400
    assert response.json()["fields"] == {"library": "That scale is not in your library."}
