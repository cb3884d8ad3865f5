from __future__ import annotations

from django.http import HttpRequest, HttpResponse


def trivial(request: HttpRequest) -> HttpResponse:
    """The ceiling: every middleware of a real page, no query and no template."""
    return HttpResponse("ok", content_type="text/plain")
