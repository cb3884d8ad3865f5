"""The JSON API, /api/v1/: personal tokens, the same access gates as the pages.

Every error is JSON with an `error` message and a 4xx status; nothing answers 500
to malformed input.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from legwork.coaching.access import get_engagement_for_user, get_session_for_user, require_client
from legwork.coaching.models import Engagement, Session
from legwork.homework import services
from legwork.homework.access import get_homework_for_user
from legwork.homework.caseload import caseload
from legwork.homework.models import Homework, ProgressEntry
from legwork.lib.rules import RuleBroken

from .models import ApiToken
from .openapi import openapi_document

View = Callable[..., Any]


class ApiError(Exception):
    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def error_response(status: int, message: str, fields: dict[str, str] | None = None) -> JsonResponse:
    body: dict[str, Any] = {"error": message}
    if fields:
        body["fields"] = fields
    return JsonResponse(body, status=status)


def api_view(*methods: str) -> Callable[[View], View]:
    """Token authentication, allowed methods, and JSON errors for one endpoint."""

    def decorator(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = error_response(405, f"Use {' or '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            header = request.headers.get("Authorization", "")
            scheme, _, token = header.partition(" ")
            api_token = ApiToken.authenticate(token.strip()) if scheme.lower() == "bearer" and token else None
            if api_token is None or not api_token.user.is_active:
                response = error_response(401, "Send a valid personal API token: 'Authorization: Bearer <token>'.")
                response["WWW-Authenticate"] = "Bearer"
                return response
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
            request.user = api_token.user
            timezone.activate(api_token.user.zone)
            try:
                result = view(request, *args, **kwargs)
            except ApiError as error:
                return error_response(error.status, error.message, error.fields)
            except RuleBroken as error:
                fields = {error.field: error.message} if error.field else None
                return error_response(409 if error.conflict else 400, error.message, fields)
            except Http404:
                return error_response(404, "Not found.")
            except PermissionDenied as error:
                return error_response(403, str(error) or "Not allowed.")
            if isinstance(result, HttpResponse):
                return result
            return JsonResponse(result, status=201 if request.method == "POST" else 200, safe=False)

        return wrapper

    return decorator


def json_body(request: HttpRequest) -> dict[str, Any]:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(400, "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The body must be a JSON object.")
    return data


def person(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.display_name}


def engagement_json(engagement: Engagement) -> dict[str, Any]:
    return {
        "id": engagement.pk,
        "status": engagement.status,
        "coach": person(engagement.coach),
        "client": person(engagement.client),
        "started_on": engagement.started_on.isoformat(),
    }


def session_json(session: Session, *, for_coach: bool) -> dict[str, Any]:
    data = {
        "id": session.pk,
        "engagement": session.engagement_id,
        "scheduled_at": session.scheduled_at.isoformat(),
        "duration_minutes": session.duration_minutes,
        "status": session.status,
        "agenda": session.agenda,
        "shared_notes": session.shared_notes,
        "meeting_url": session.meeting_url,
    }
    if for_coach:
        data["private_notes"] = session.private_notes
    return data


def progress_json(entry: ProgressEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "note": entry.note,
        "minutes": entry.minutes,
        "occurred_on": entry.occurred_on.isoformat(),
        "written_at": entry.written_at.isoformat(),
        "answers": entry.answers,
    }


def homework_json(homework: Homework, progress: list[ProgressEntry] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": homework.pk,
        "engagement": homework.engagement_id,
        "title": homework.title,
        "purpose": homework.purpose,
        "goal": homework.goal.title if homework.goal_id and homework.goal else None,
        "first_step": homework.first_step,
        "plan_when": homework.plan_when,
        "plan_where": homework.plan_where,
        "due_on": homework.due_on.isoformat(),
        "status": homework.status,
        "outcome": homework.outcome or None,
        "reason": homework.reason or None,
        "decision": homework.decision or None,
        "carried_from": homework.carried_from_id,
    }
    if progress is not None:
        data["progress"] = [progress_json(entry) for entry in progress]
    return data


@api_view("GET")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.display_name,
        "timezone": user.timezone,
        "is_coach": user.is_coach,
    }


@api_view("GET")
def engagement_list(request: HttpRequest) -> dict[str, Any]:
    engagements = Engagement.objects.visible_to(request.user).select_related("coach", "client").order_by("pk")  # type: ignore[arg-type]
    return {"results": [engagement_json(engagement) for engagement in engagements]}


@api_view("GET")
def engagement_detail(request: HttpRequest, pk: str) -> dict[str, Any]:
    engagement = get_engagement_for_user(request.user, pk)  # type: ignore[arg-type]
    data = engagement_json(engagement)
    data["next_session"] = (
        session_json(next_session, for_coach=engagement.is_coach(request.user))  # type: ignore[arg-type]
        if (next_session := engagement.next_session())
        else None
    )
    return data


@api_view("GET")
def engagement_homework(request: HttpRequest, pk: str) -> dict[str, Any]:
    engagement = get_engagement_for_user(request.user, pk)  # type: ignore[arg-type]
    homework = Homework.objects.filter(engagement=engagement).select_related("goal").order_by("-due_on", "-pk")
    if request.GET.get("open") in ("1", "true"):
        homework = homework.open()
    return {"results": [homework_json(item) for item in homework[:500]]}


@api_view("GET")
def session_detail(request: HttpRequest, pk: str) -> dict[str, Any]:
    session = get_session_for_user(request.user, pk)  # type: ignore[arg-type]
    return session_json(session, for_coach=session.engagement.is_coach(request.user))  # type: ignore[arg-type]


@api_view("GET")
def homework_detail(request: HttpRequest, pk: str) -> dict[str, Any]:
    homework = get_homework_for_user(request.user, pk)  # type: ignore[arg-type]
    return homework_json(homework, list(homework.progress.all()[:500]))


@api_view("POST")
def homework_confirm(request: HttpRequest, pk: str) -> Any:
    homework = get_homework_for_user(request.user, pk)  # type: ignore[arg-type]
    require_client(homework.engagement, request.user)  # type: ignore[arg-type]
    # Reviewed homework: the service raises RuleBroken (409). Confirmed already: accepted, no second notice.
    services.homework_confirm(homework=homework, by=request.user)  # type: ignore[arg-type]
    return JsonResponse(homework_json(homework))


def _optional_int(data: dict[str, Any], name: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[name] = f"A whole number from {low} to {high}."
        return None
    return value


@api_view("POST")
def progress_create(request: HttpRequest, pk: str) -> dict[str, Any]:
    homework = get_homework_for_user(request.user, pk)  # type: ignore[arg-type]
    require_client(homework.engagement, request.user)  # type: ignore[arg-type]
    data = json_body(request)
    errors: dict[str, str] = {}
    note = data.get("note", "")
    if not isinstance(note, str) or len(note) > 5000:
        errors["note"] = "Text of at most 5,000 characters."
        note = ""
    minutes = _optional_int(data, "minutes", 1, 24 * 60, errors)
    occurred_on = None
    if data.get("occurred_on") not in (None, ""):
        try:
            occurred_on = dt.date.fromisoformat(str(data["occurred_on"]))
        except ValueError:
            errors["occurred_on"] = "A date like 2026-03-14."
        else:
            if occurred_on > timezone.localdate():
                errors["occurred_on"] = "That day hasn't happened yet."
    if not errors and not note and minutes is None:
        errors["note"] = "Write a few words or the minutes you spent."
    if errors:
        raise ApiError(400, "Some fields need another look.", errors)
    entry = services.progress_log(
        homework=homework,
        by=request.user,  # type: ignore[arg-type]
        note=note,
        minutes=minutes,
        occurred_on=occurred_on,
    )
    return progress_json(entry)


@api_view("GET")
def coach_clients(request: HttpRequest) -> dict[str, Any]:
    """A coach's clients with open homework counts (what the coach home shows), from the one caseload query."""
    user: Any = request.user
    if not user.is_coach:
        raise PermissionDenied("This is for coaches.")
    engagements = caseload(user).select_related("coach", "client").order_by("pk")
    return {"results": [{**engagement_json(e), "open_homework": e.open_homework} for e in engagements]}  # type: ignore[attr-defined]


def openapi(request: HttpRequest) -> JsonResponse:
    return JsonResponse(openapi_document(request.build_absolute_uri("/api/v1/")))


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    return error_response(404, "No such endpoint. See /api/v1/openapi.json.")
