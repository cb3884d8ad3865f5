"""Running jobs queued through Django's tasks API (`django.tasks`), stored by django-tasks-db.

The worker drives the loop itself (one process plans, sends and runs jobs), so it
uses django-tasks-db's own claim-and-run code rather than its `db_worker` command.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings


def _task_worker(worker: str) -> Any:
    """django-tasks-db's own Worker, used for its claim-and-run code; we drive the loop ourselves."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker[:64],
        excluded_queue_names=[],
    )


def jobs_run(*, worker: str, limit: int = 20, stopping: Callable[[], bool] = lambda: False) -> int:
    """Run up to `limit` queued jobs, claimed the way django-tasks-db's db_worker claims them."""
    if settings.TASKS.get("default", {}).get("BACKEND") != "django_tasks_db.DatabaseBackend":
        return 0
    from django.db.utils import OperationalError
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

    runner = _task_worker(worker)
    done = 0
    while done < limit and not stopping():
        tasks = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(tasks.db):
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(runner.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                break
            raise
        if task_result is None:
            break
        runner.run_task(task_result)
        done += 1
    return done
