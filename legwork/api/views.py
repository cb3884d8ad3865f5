"""Views of the API that stand on their own URL: the coach's client list, the OpenAPI document, unknown paths.

Every other endpoint is declared on the router, by area, in legwork/api/endpoints/.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from legwork.coaching.serialise import engagement as engagement_json
from legwork.homework.caseload import caseload

from .http import api_view, error_response
from .openapi import openapi_document


@api_view("GET")
def coach_clients(request: HttpRequest) -> dict[str, Any]:
    """A coach's clients with open homework counts (what the coach home shows), from the one caseload query."""
    user: Any = request.user
    if not user.is_coach:
        raise PermissionDenied("This is for coaches.")
    engagements = caseload(user).select_related("coach", "client").order_by("pk")
    return {"results": [{**engagement_json(e), "open_homework": e.open_homework} for e in engagements]}  # type: ignore[attr-defined]


@csrf_exempt
def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(request.build_absolute_uri("/api/v1/")))


@csrf_exempt
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other path under /api/, whatever the method: JSON, never the HTML 404 or CSRF page."""
    return error_response(404, "No such endpoint. See /api/v1/openapi.json.")
