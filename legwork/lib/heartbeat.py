"""The worker's heartbeat, as a signal: the worker says it is alive, the health page (ops) records it.

A signal, not an import, because the worker (reminders) sits below ops in the layers.
"""

from __future__ import annotations

import datetime as dt

from django.dispatch import Signal

# sender: the worker's class; keyword arguments: worker (its name), at (an aware datetime).
worker_beat = Signal()
# A beat is one UPDATE; once this often is plenty for a health check that allows minutes.
BEAT_EVERY = dt.timedelta(seconds=30)
