"""The web app manifest, the service worker, and the one endpoint a device syncs offline items to."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_POST

from legwork.lib.http import AuthedHttpRequest

from .services import Refused, offline_item_apply

THEME = "#1f5f8b"  # the brand accent (static/legwork.css --accent)


def manifest(request: HttpRequest) -> JsonResponse:
    """Installable: the name, the brand's icon, its colours, and home (the person's own) to start at."""
    data = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "description": "Your coaching homework between sessions.",
        "start_url": reverse("home") + "?source=installed",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": "#ffffff",
        "icons": [{"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site root so its scope is every page; a file of its own, so the CSP holds."""
    body = render_to_string(
        "phone/sw.js",
        {"static_files": json.dumps([static("legwork.css"), static("favicon.svg"), static("phone/phone.js")])},
    )
    response = HttpResponse(body, content_type="text/javascript")
    # Browsers check for a new worker at most daily anyway; no-cache makes it at once.
    response["Cache-Control"] = "no-cache"
    return response


@login_required
@require_POST
def sync(request: AuthedHttpRequest) -> JsonResponse:
    """One item written offline: `{"key", "kind", "target", "fields": [[name, value]...], "written_at"}`.

    201 when applied now, 200 with the same result when this key was applied before, 400 with the
    errors when it can never be applied (nothing saved), 404 for a target not the person's.
    """
    try:
        body = json.loads(request.body)
        key = str(body["key"])[:64]
        kind = str(body["kind"])
        target = int(body.get("target") or 0)
        fields = QueryDict(mutable=True)
        for name, value in body.get("fields", []):
            fields.appendlist(str(name), str(value))
        written_at = dt.datetime.fromisoformat(str(body["written_at"]))
        if written_at.tzinfo is None or len(key) < 16:
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "malformed", "detail": "Not an offline item."}, status=400)
    try:
        result, replayed = offline_item_apply(
            user=request.user, key=key, kind=kind, target=target, fields=fields, written_at=written_at
        )
    except Refused as refused:
        return JsonResponse({"error": "refused", "errors": refused.errors}, status=400)
    return JsonResponse({**result, "replayed": replayed}, status=200 if replayed else 201)
