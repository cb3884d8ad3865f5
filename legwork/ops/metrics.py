"""Prometheus metrics: requests and their latency, counted per web process; the outbox, read at each scrape.

prometheus-client rather than django-prometheus: django-prometheus 2.5 (the newest) declares
Django < 6.1. The request metrics are a few lines of middleware; the outbox figures come from the
database at scrape time, so they are the same whichever process (web or worker) is asked.

With several gunicorn workers set PROMETHEUS_MULTIPROC_DIR (an empty folder, emptied at start),
so a scrape adds up every process's counts rather than reporting whichever one answered.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

from django.db.models import Count, Min, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from legwork.reminders.models import OutboxMessage, Reminder

from .health import age
from .models import WorkerHeartbeat

REQUESTS = Counter(
    "legwork_http_requests", "HTTP requests answered, by view, method and status code.", ["view", "method", "status"]
)
LATENCY = Histogram(
    "legwork_http_request_duration_seconds",
    "Time from request to response, by view and method.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class MetricsMiddleware:
    """Counts every request by the name of its view (a fixed set, so the series stay few) and times it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name or match.url_name or "unnamed") if match else "unresolved"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view=view, method=method, status=str(response.status_code)).inc()
        LATENCY.labels(view=view, method=method).observe(time.perf_counter() - start)
        return response


class OutboxCollector(Collector):
    """The outbox and the worker as the database has them now (a few aggregate queries per scrape)."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        by_status = GaugeMetricFamily("legwork_outbox_messages", "Outbox emails by status.", labels=["status"])
        counts = dict(OutboxMessage.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in OutboxMessage.Status:
            by_status.add_metric([status.value], counts.get(status.value, 0))
        yield by_status
        due = OutboxMessage.objects.claimable(now)
        yield GaugeMetricFamily("legwork_outbox_due", "Outbox emails due to be sent now.", value=due.count())
        oldest = age(now, due.aggregate(oldest=Min("next_attempt_at"))["oldest"]) or 0
        yield GaugeMetricFamily(
            "legwork_outbox_oldest_due_seconds", "Age of the oldest email due to be sent (0: none).", value=oldest
        )
        failures = OutboxMessage.objects.aggregate(n=Sum("failures"))["n"] or 0
        yield GaugeMetricFamily(
            "legwork_outbox_send_failures",
            "Failed send attempts recorded on outbox emails (temporary ones are retried).",
            value=failures,
        )
        reminder = Reminder.objects.due(now).aggregate(oldest=Min("due_at"))["oldest"]
        yield GaugeMetricFamily(
            "legwork_reminders_oldest_due_seconds",
            "Age of the oldest due reminder not yet settled (0: none).",
            value=age(now, reminder) or 0,
        )
        last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        yield GaugeMetricFamily(
            "legwork_worker_last_seen_seconds",
            "Seconds since a worker last finished a pass (-1: never).",
            value=-1 if last is None else (age(now, last) or 0),
        )


_database = CollectorRegistry(auto_describe=False)
_database.register(OutboxCollector())


def exposition() -> bytes:
    """One scrape: this process's counts (multiprocess: every process's), then the database's figures."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        requests = generate_latest(registry)
    else:
        requests = generate_latest(REGISTRY)
    return requests + generate_latest(_database)
