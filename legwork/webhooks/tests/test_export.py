"""The coach's export holds their webhooks, without the secrets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from legwork.exports.services import coach_export
from legwork.webhooks.models import Webhook

pytestmark = pytest.mark.django_db


def test_the_coachs_export_lists_their_webhooks_without_secrets(alice: Any, carol: Any) -> None:
    mine = Webhook.objects.create(coach=alice, url="https://example.org/mine", events=["progress.logged"])
    theirs = Webhook.objects.create(coach=carol, url="https://example.org/carols", events=["progress.logged"])
    data = coach_export(coach=alice)
    assert [item["url"] for item in data["webhooks"]] == [mine.url]
    text = json.dumps(data, default=str)
    assert mine.secret not in text
    assert theirs.url not in text
