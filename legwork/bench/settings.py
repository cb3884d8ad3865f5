"""The deployment settings plus the benchmark's ceiling endpoints, for `manage.py bench` only.

Everything (database, middleware, DEBUG off, templates, sessions) comes from
legwork.settings; only the URLconf differs, adding a trivial view behind the same
middleware. Normal deployments never load this module, so the ceiling endpoints
answer 404 there.
"""

from legwork.settings import *  # noqa: F403

ROOT_URLCONF = "legwork.bench.urls"
