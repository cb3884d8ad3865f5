"""WSGI entry point: `gunicorn legwork.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from legwork.lib.runtime import settle_for_serving

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legwork.settings")
application = get_wsgi_application()
# Everything loaded, out of the garbage collector's way (legwork/lib/runtime.py).
settle_for_serving()
