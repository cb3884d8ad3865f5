"""The web process's garbage collector, set for a server that loads once and then answers requests.

Python's cyclic collector walks every tracked object of a generation when it runs; the oldest
generation holds everything Django loaded (models, URL patterns, compiled templates): tens of
thousands of objects that live as long as the process and are never garbage. A page allocates
thousands of objects (querysets, model instances, template nodes), so with the default thresholds
(2,000, 10, 10) the collector ran on most requests of a busy page and now and then walked that
whole old generation: measured in process on the scale practice, 0.7–7.5 ms of collecting per
request on the coach's and client's pages (docs/performance.md). `gc.freeze()` moves what is loaded
at start-up out of the collector's sight, and a larger first threshold lets a request's short-lived
objects go by reference counting, as nearly all do, before a collection looks at them. Cycles are
still collected; they wait a little longer.
"""

from __future__ import annotations

import gc

# Allocations of container objects between two collections of the youngest generation.
YOUNG_THRESHOLD = 20_000


def settle_for_serving() -> None:
    """Call once the application is loaded (the WSGI module, in each worker): collect, then freeze."""
    # Load the URLconf (and with it every view module) now, so their objects are frozen too.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loading it is the point
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
