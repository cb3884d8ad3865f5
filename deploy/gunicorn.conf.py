"""gunicorn's settings for Legwork, from the environment (PORT, WEB_CONCURRENCY, WEB_BIND)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("WEB_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# A request past this many seconds is a bug, not a slow client: the proxy in front buffers slow ones.
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
accesslog = "-"
# Behind a proxy on this machine or network, gunicorn itself need not trust X-Forwarded-* (Django decides).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def on_starting(server: Any) -> None:
    # Prometheus' multiprocess counts start at zero with the server (legwork/ops/metrics.py).
    if folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder).mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
