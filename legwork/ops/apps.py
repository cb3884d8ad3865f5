from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Legwork for real: the health page, Prometheus metrics, backups and restores."""

    name = "legwork.ops"
    label = "ops"

    def ready(self) -> None:
        from legwork.lib.heartbeat import worker_beat

        from .models import record_beat

        worker_beat.connect(record_beat, dispatch_uid="legwork-ops-worker-beat")
