"""The benchmark's server: the real application, and a raw WSGI "ok" in front of it on one path.

`gunicorn legwork.bench.wsgi` with DJANGO_SETTINGS_MODULE=legwork.bench.settings,
started only by `manage.py bench`. The raw path measures gunicorn and the loopback
alone, with no Django at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

from legwork.lib.runtime import settle_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legwork.bench.settings")
RAW_PATH = "/bench/raw/"
django_application = get_wsgi_application()
# Everything loaded, out of the garbage collector's way (legwork/lib/runtime.py).
settle_for_serving()


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ.get("PATH_INFO") == RAW_PATH:
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    return django_application(environ, start_response)
