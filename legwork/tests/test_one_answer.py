"""The pages and the API give the same answers, because each rule lives once in the model or the service."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_homework
from legwork.accounts.models import User
from legwork.api.models import ApiToken
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework, ProgressEntry
from legwork.homework.signals import homework_confirmed

pytestmark = pytest.mark.django_db


def api(user: User) -> Client:
    _, token = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {token}"})


def page(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_neither_the_page_nor_the_api_takes_progress_on_reviewed_homework(alice_bob: Engagement, bob: User) -> None:
    homework = make_homework(alice_bob, status=Homework.Status.CONFIRMED, outcome="done")
    response = api(bob).post(
        f"/api/v1/homework/{homework.pk}/progress", data=json.dumps({"note": "Late"}), content_type="application/json"
    )
    assert response.status_code == 409
    assert "reviewed already" in response.json()["error"]
    response = page(bob).post(reverse("progress_log", args=[homework.pk]), {f"progress-{homework.pk}-note": "Late"})
    assert response.status_code == 400
    assert not ProgressEntry.objects.exists()


def test_neither_takes_progress_dated_before_the_homework_was_agreed(alice_bob: Engagement, bob: User) -> None:
    homework = make_homework(alice_bob, status=Homework.Status.CONFIRMED)
    before = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    response = api(bob).post(
        f"/api/v1/homework/{homework.pk}/progress",
        data=json.dumps({"note": "x", "occurred_on": before}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "occurred_on" in response.json()["fields"]
    assert not ProgressEntry.objects.exists()


def test_confirming_through_the_api_again_is_accepted_and_tells_the_coach_once(
    alice_bob: Engagement, bob: User, django_capture_on_commit_callbacks: Any
) -> None:
    homework = make_homework(alice_bob)
    heard: list[int] = []

    def on_confirm(homework: Homework, **kwargs: object) -> None:
        heard.append(homework.pk)

    homework_confirmed.connect(on_confirm)
    client = api(bob)
    try:
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(f"/api/v1/homework/{homework.pk}/confirm")
            assert response.status_code == 200
            assert response.json()["status"] == "confirmed"
    finally:
        homework_confirmed.disconnect(on_confirm)
    assert heard == [homework.pk]
    reviewed = make_homework(alice_bob, outcome="done")
    assert client.post(f"/api/v1/homework/{reviewed.pk}/confirm").status_code == 409
