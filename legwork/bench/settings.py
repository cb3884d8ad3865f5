"""The deployment settings plus the benchmark, for `make bench` and the bench's own tests only.

Everything (database, middleware, DEBUG off, templates, sessions) comes from
legwork.settings; this adds the bench app (its commands and its seed marker) and a
URLconf with a trivial view behind the same middleware. Normal deployments never
load this module, so they have no bench commands or tables and the ceiling
endpoints answer 404 there.
"""

from legwork.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "legwork.bench"]  # noqa: F405
ROOT_URLCONF = "legwork.bench.urls"
