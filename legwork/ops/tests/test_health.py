"""The health pages and the metrics: what load balancers, uptime monitors and Prometheus are told."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from legwork.accounts.models import User
from legwork.reminders.models import Kind, Reminder
from legwork.reminders.worker import WorkerLoop

pytestmark = pytest.mark.django_db


def health(client: Client, url: str = "/health/") -> tuple[int, dict[str, Any]]:
    response = client.get(url)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_it_is_healthy_after_a_real_worker_pass(client: Client) -> None:
    WorkerLoop().step()
    status, body = health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "worker", "outbox", "reminders"}
    assert body["checks"]["worker"]["last_seen_seconds"] <= 5


def test_it_fails_when_no_worker_ran_but_a_load_balancer_keeps_the_web_process(client: Client) -> None:
    status, body = health(client)
    assert status == 503
    assert body["checks"]["worker"] == {"ok": False, "last_seen_seconds": None}
    status, body = health(client, "/health/web/")
    assert status == 200
    assert set(body["checks"]) == {"database", "cache"}


def test_it_fails_when_the_worker_stopped_long_ago(client: Client) -> None:
    WorkerLoop().step()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        status, body = health(client)
    assert status == 503
    assert body["checks"]["worker"]["ok"] is False


def test_it_fails_on_an_old_due_reminder_and_says_no_title(client: Client, bob: User) -> None:
    WorkerLoop().step()
    Reminder.objects.create(
        recipient=bob,
        kind=Kind.HOMEWORK_WAITING,
        due_at=timezone.now() - dt.timedelta(hours=1),
        dedupe_key="old",
        title="Call Acme about the secret offer",
    )
    response = client.get("/health/")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["checks"]["reminders"]["ok"] is False
    assert body["checks"]["reminders"]["oldest_due_seconds"] >= 3600
    assert b"Acme" not in response.content
    assert bob.email.encode() not in response.content
    # Once the worker settles it, all is well again.
    WorkerLoop().step()
    assert health(client)[0] == 200


def test_metrics_do_not_exist_without_a_token(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = "s3cret-metrics"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_metrics_count_requests_and_read_the_outbox(client: Client, settings: Any, bob: User) -> None:
    settings.METRICS_TOKEN = "s3cret-metrics"
    client.get("/")
    Reminder.objects.create(
        recipient=bob, kind=Kind.HOMEWORK_WAITING, due_at=timezone.now() - dt.timedelta(hours=1), dedupe_key="due"
    )
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})
    assert response.status_code == 200
    text = response.content.decode()
    assert 'legwork_http_requests_total{method="GET",status="200",view="home"}' in text
    assert 'legwork_http_request_duration_seconds_bucket{le="0.01",method="GET",view="home"}' in text
    assert 'legwork_outbox_messages{status="waiting"} 0.0' in text
    assert "legwork_reminders_oldest_due_seconds 36" in text  # an hour: 3600 and some
    assert "legwork_worker_last_seen_seconds -1.0" in text
