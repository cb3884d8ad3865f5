from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models


class WorkerHeartbeat(models.Model):
    """When each worker last finished a pass: the health page says the worker is down when none is recent."""

    worker = models.CharField(max_length=100, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


def record_beat(sender: Any, *, worker: str, at: dt.datetime, **kwargs: Any) -> None:
    WorkerHeartbeat.objects.update_or_create(worker=worker[:100], defaults={"seen_at": at})
    # A worker that stopped for good leaves a row behind; a day later it is noise.
    WorkerHeartbeat.objects.filter(seen_at__lt=at - dt.timedelta(days=1)).delete()
