from __future__ import annotations

import datetime as dt
from typing import Any

from legwork.reminders.models import Preferences
from legwork.reminders.worker import WorkerLoop


def drain(loop: WorkerLoop | None = None) -> WorkerLoop:
    """Run the worker's loop in this process until nothing is due (the clock is whatever time-machine says)."""
    loop = loop or WorkerLoop(lease=dt.timedelta(minutes=5))
    loop.last_planned = None
    while loop.step():
        pass
    return loop


def set_prefs(user: Any, **values: Any) -> Preferences:
    prefs, _ = Preferences.objects.get_or_create(user=user)
    for name, value in values.items():
        setattr(prefs, name, value)
    prefs.save()
    return prefs
