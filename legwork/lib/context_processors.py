from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_name": settings.SITE_NAME, "site_root": settings.SITE_ROOT, "contact_email": settings.CONTACT_EMAIL}
