"""Every write request is atomic (lib/middleware.py): a view that fails after its write keeps nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import make_homework
from legwork.accounts.models import User
from legwork.coaching.models import Engagement
from legwork.homework import views
from legwork.homework.models import ProgressEntry


def _fail_after_the_write(*args: Any, **kwargs: Any) -> Any:
    raise ConnectionError("the database went away after the entry was saved")


def test_a_request_that_fails_after_saving_keeps_nothing(
    client: Client, bob: User, alice_bob: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    """11 of 33 requests that answered 500 had saved their progress entry anyway, so a retry duplicated it."""
    homework = make_homework(alice_bob)
    monkeypatch.setattr(views, "redirect_back", _fail_after_the_write)
    client.force_login(bob)
    client.raise_request_exception = False
    prefix = f"progress-{homework.pk}"
    response = client.post(f"/homework/{homework.pk}/progress/", {f"{prefix}-note": "Called Sam", f"{prefix}-minutes": 15})
    assert response.status_code == 500
    assert not ProgressEntry.objects.exists()

    monkeypatch.undo()
    response = client.post(f"/homework/{homework.pk}/progress/", {f"{prefix}-note": "Called Sam", f"{prefix}-minutes": 15})
    assert response.status_code == 302
    assert ProgressEntry.objects.count() == 1


def test_reads_are_not_wrapped_in_a_transaction(client: Client, bob: User) -> None:
    """GETs stay outside a transaction, so SQLite's IMMEDIATE mode never makes page views queue for the write lock."""
    from django.db import connection

    seen: list[bool] = []

    def spy(request: Any) -> Any:
        seen.append(connection.in_atomic_block)
        from django.http import HttpResponse

        return HttpResponse("ok")

    from legwork.lib.middleware import AtomicWritesMiddleware

    middleware = AtomicWritesMiddleware(spy)
    from django.test import RequestFactory

    depth = connection.in_atomic_block  # the test's own transaction
    middleware(RequestFactory().get("/"))
    middleware(RequestFactory().post("/"))
    assert seen == [depth, True]
