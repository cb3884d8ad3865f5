"""The web app manifest, the service worker, and the one endpoint a device syncs offline items to."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_POST

from legwork.accounts.services import describe_device
from legwork.lib.http import AuthedHttpRequest
from legwork.lib.rules import RuleBroken
from legwork.reminders.access import get_push_subscription_for_user
from legwork.reminders.push import push_revoke, push_subscribe

from . import BACKGROUND, THEME
from .services import Refused, offline_item_apply


def manifest(request: HttpRequest) -> JsonResponse:
    """Installable: the name, the brand's icon, its colours, and home (the person's own) to start at."""
    data = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "description": "Your coaching homework between sessions.",
        "id": reverse("home"),  # the app's identity, kept if start_url ever changes
        "start_url": reverse("home") + "?source=installed",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        # PNGs rendered from the brand's SVG by `python -m legwork.phone.make_icons` (committed), and the SVG.
        "icons": [
            *(
                {
                    "src": static(f"phone/icons/{kind}-{size}.png"),
                    "sizes": f"{size}x{size}",
                    "type": "image/png",
                    "purpose": purpose,
                }
                for kind, purpose in (("icon", "any"), ("maskable", "maskable"))
                for size in (192, 512)
            ),
            {"src": static("favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site root so its scope is every page; a file of its own, so the CSP holds."""
    body = render_to_string(
        "phone/sw.js",
        {
            "static_files": json.dumps([static("legwork.css"), static("favicon.svg"), static("phone/phone.js")]),
            "icon": json.dumps(static("phone/icons/icon-192.png")),
        },
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


@login_required
@require_POST
def push_on(request: AuthedHttpRequest) -> JsonResponse:
    """This browser's push subscription, `{"endpoint", "keys": {"p256dh", "auth"}}` as `pushManager` gives it.

    201 with the device's id; 400 for a subscription that is not one or a push service we do not send to.
    """
    try:
        body = json.loads(request.body)
        endpoint, keys = str(body["endpoint"]), body["keys"]
        p256dh, auth = str(keys["p256dh"]), str(keys["auth"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "malformed", "detail": "Not a push subscription."}, status=400)
    user_agent = request.headers.get("User-Agent", "")
    try:
        subscription = push_subscribe(
            user=request.user,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            device=describe_device(user_agent),
            user_agent=user_agent,
            session_key=request.session.session_key or "",
        )
    except RuleBroken as broken:
        return JsonResponse({"error": "refused", "errors": {broken.field or "endpoint": [str(broken)]}}, status=400)
    return JsonResponse({"id": subscription.pk, "device": subscription.device}, status=201)


@login_required
@require_POST
def push_off(request: AuthedHttpRequest, pk: int) -> HttpResponseRedirect:
    """Turn push off for one of the person's devices (another's answers 404)."""
    push_revoke(subscription=get_push_subscription_for_user(request.user, pk))
    messages.success(request, "Notifications turned off on that device.")
    return redirect("devices")
