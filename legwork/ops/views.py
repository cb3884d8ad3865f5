from __future__ import annotations

import hmac

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from .health import health
from .metrics import exposition


def _answer(web_only: bool) -> JsonResponse:
    checks = health(web_only=web_only)
    ok = all(check.ok for check in checks.values())
    body = {"status": "ok" if ok else "fail", "checks": {name: check.as_json() for name, check in checks.items()}}
    return JsonResponse(body, status=200 if ok else 503)


@require_safe
def health_all(request: HttpRequest) -> JsonResponse:
    """For uptime monitors: 503 when anything is wrong, the worker and the outbox included."""
    return _answer(web_only=False)


@require_safe
def health_web(request: HttpRequest) -> JsonResponse:
    """For load balancers: 503 only when this web process cannot serve (database or cache), not for a stuck worker."""
    return _answer(web_only=True)


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for a scraper holding METRICS_TOKEN; without the setting the page does not exist."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token:
        raise Http404
    if not hmac.compare_digest(given.encode(), token.encode()):
        return HttpResponse(
            "A bearer token is needed.\n", status=401, content_type="text/plain", headers={"WWW-Authenticate": "Bearer"}
        )
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
