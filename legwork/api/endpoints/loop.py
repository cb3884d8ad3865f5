"""The loop: wrap-up, confirm or ask for a change, progress, the reflection, and the review.

Each endpoint goes through the page's gate, the page's form and the loop's service, so a
rule of the loop answers the same here as on the page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from legwork.coaching import serialise as coaching_json
from legwork.coaching.access import get_engagement_for_user, get_session_for_user, require_client, require_coach
from legwork.homework import serialise, services
from legwork.homework.access import get_homework_for_user
from legwork.homework.forms import (
    ChangeRequestForm,
    HomeworkForm,
    NextSessionForm,
    ProgressForm,
    ReviewForm,
    WrapUpRowForm,
    wrap_up_formset,
)
from legwork.homework.models import Homework
from legwork.insights import serialise as insights_json
from legwork.insights.forms import ReflectionForm
from legwork.insights.models import Reflection
from legwork.insights.services import ReflectionClosed, reflection_save
from legwork.lib.shapes import array, nullable, obj, ref

from ..binding import bind, bind_rows, form_schema
from ..http import ApiError, json_body, signed_in
from ..pagination import QUERY, page_schema, paginate
from ..router import router

PROGRESS_SHOWN = 50

SCHEMAS = {
    "HomeworkPage": page_schema("Homework"),
    "ProgressEntryPage": page_schema("ProgressEntry"),
    "WrapUp": obj(
        {"session": ref("Session"), "next_session": nullable(ref("Session")), "homework": array(ref("Homework"))}
    ),
    "Review": obj({"homework": ref("Homework"), "carried_over": nullable(ref("Homework"))}),
}


def _wrap_up_body() -> dict[str, Any]:
    schema = form_schema(NextSessionForm)
    row = form_schema(WrapUpRowForm)
    schema["properties"]["once"] = {
        "type": "string",
        "maxLength": 64,
        "description": "A key of your choosing: the same wrap-up sent again with it is a 409 and saves nothing",
    }
    schema["properties"]["homework"] = {
        "type": "array",
        "maxItems": 12,
        "items": row,
        "description": "Each homework proposed; its due date defaults to the next session",
    }
    return schema


@router.get(
    "/engagements/{id}/homework",
    summary="The engagement's homework, latest due first (`?open=1` for this interval's)",
    response=ref("HomeworkPage"),
    query=[*QUERY, {"name": "open", "in": "query", "schema": {"type": "string", "enum": ["1", "true"]}}],
)
def homework_list(request: HttpRequest, id: str) -> dict[str, Any]:
    engagement = get_engagement_for_user(signed_in(request), id)
    homework = Homework.objects.filter(engagement=engagement).select_related("goal")
    if request.GET.get("open") in ("1", "true"):
        homework = homework.open()
    return paginate(request, homework, order=("-due_on", "-pk"), serialise=serialise.homework)


@router.get(
    "/homework/{id}",
    summary=f"One homework with its latest {PROGRESS_SHOWN} progress entries",
    response=ref("Homework"),
)
def homework_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    homework = get_homework_for_user(signed_in(request), id)
    return serialise.homework(homework, progress=list(homework.progress.all()[:PROGRESS_SHOWN]))


@router.patch(
    "/homework/{id}",
    summary="Change the homework's words or plan; it goes back to the client to confirm",
    description="Fields left out stay as they are. The client asks for a change instead (`/change`).",
    response=ref("Homework"),
    role="coach",
    body=lambda: form_schema(HomeworkForm, partial=True),
)
def homework_edit(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework = get_homework_for_user(user, id)
    require_coach(homework.engagement, user)
    engagement = homework.engagement
    form = bind(
        lambda data: HomeworkForm(data, instance=homework, engagement=engagement), json_body(request), partial=True
    )
    services.homework_update(homework=homework, draft=form.to_draft(), by=user)
    return serialise.homework(homework)


@router.post("/homework/{id}/confirm", summary="The client says “I'm in”", response=ref("Homework"), role="client")
def homework_confirm(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework = get_homework_for_user(user, id)
    require_client(homework.engagement, user)
    services.homework_confirm(homework=homework, by=user)
    return serialise.homework(homework)


@router.post(
    "/homework/{id}/change",
    summary="The client proposes a change instead of confirming",
    response=ref("Homework"),
    role="client",
    body=lambda: form_schema(ChangeRequestForm),
)
def homework_request_change(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework = get_homework_for_user(user, id)
    require_client(homework.engagement, user)
    form = bind(ChangeRequestForm, json_body(request))
    services.homework_request_change(homework=homework, note=form.cleaned_data["note"], by=user)
    return serialise.homework(homework)


@router.get(
    "/homework/{id}/progress",
    summary="Every progress entry of one homework, newest first",
    response=ref("ProgressEntryPage"),
    query=QUERY,
)
def progress_list(request: HttpRequest, id: str) -> dict[str, Any]:
    homework = get_homework_for_user(signed_in(request), id)
    return paginate(request, homework.progress.all(), order=("-written_at", "-pk"), serialise=serialise.progress_entry)


@router.post(
    "/homework/{id}/progress",
    summary="The client logs progress; the server records when it was written",
    description="`occurred_on` defaults to today, in your time zone; a day to come is refused.",
    response=ref("ProgressEntry"),
    status=201,
    role="client",
    body=lambda: form_schema(ProgressForm, exclude=["quick"]),
)
def progress_create(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework = get_homework_for_user(user, id)
    require_client(homework.engagement, user)
    form = bind(ProgressForm, json_body(request), exclude=["quick"])
    entry = services.progress_log(
        homework=homework,
        by=user,
        note=form.cleaned_data["note"],
        minutes=form.cleaned_data["minutes"],
        occurred_on=form.cleaned_data["occurred_on"],
    )
    return serialise.progress_entry(entry)


@router.post(
    "/sessions/{id}/review/{homework_id}",
    summary="Give one homework its outcome at the session; carry it over if so decided",
    description="Not done needs a reason and a decision (carry over, change or drop). A second review is a 409.",
    response=ref("Review"),
    role="coach",
    body=lambda: form_schema(ReviewForm),
)
def homework_review(request: HttpRequest, id: str, homework_id: str) -> dict[str, Any]:
    user = signed_in(request)
    session = get_session_for_user(user, id)
    require_coach(session.engagement, user)
    homework = get_homework_for_user(user, homework_id)
    if homework.engagement_id != session.engagement_id:
        raise Http404("No such homework in this session.")
    form = bind(ReviewForm, json_body(request))
    try:
        carried = services.homework_review(homework=homework, session=session, by=user, **form.cleaned_data)
    except services.AlreadyReviewed:
        raise ApiError(409, "This homework has its outcome already.") from None
    return {
        "homework": serialise.homework(homework),
        "carried_over": serialise.homework(carried) if carried is not None else None,
    }


@router.post(
    "/sessions/{id}/wrap-up",
    summary="End the session: it is held, the next one is set and the interval's homework proposed",
    description="Each homework is a proposal until the client confirms it.",
    response=ref("WrapUp"),
    status=201,
    role="coach",
    body=_wrap_up_body,
)
def session_wrap_up(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    session = get_session_for_user(user, id)
    require_coach(session.engagement, user)
    payload = json_body(request)
    rows = payload.pop("homework", [])
    once = payload.pop("once", "")
    if not isinstance(once, str):
        raise ApiError(400, "Some fields need another look.", {"once": "Text."})
    formset = bind_rows(lambda data: wrap_up_formset(session.engagement, data, extra=0), rows, name="homework")
    next_form = bind(NextSessionForm, payload)
    next_session, created = services.session_wrap_up(
        session=session,
        drafts=[form.to_draft() for form in formset],
        next_session_at=next_form.cleaned_data["next_session_at"],
        by=user,
        once=once,
    )
    session.refresh_from_db()
    return {
        "session": coaching_json.session(session, viewer=user),
        "next_session": coaching_json.session(next_session, viewer=user) if next_session else None,
        "homework": [serialise.homework(item) for item in created],
    }


@router.get(
    "/sessions/{id}/reflection",
    summary="The client's reflection before this session (404 until written)",
    response=ref("Reflection"),
)
def reflection_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    session = get_session_for_user(signed_in(request), id)
    reflection = Reflection.objects.filter(session=session).select_related("session").first()
    if reflection is None:
        raise Http404("No reflection yet.")
    return insights_json.reflection(reflection)


@router.put(
    "/sessions/{id}/reflection",
    summary="The client writes (or rewrites) their reflection, until the session starts",
    description="The whole reflection: a part left out is left empty. After the session starts, 409.",
    response=ref("Reflection"),
    role="client",
    body=lambda: form_schema(ReflectionForm),
)
def reflection_write(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    session = get_session_for_user(user, id)
    require_client(session.engagement, user)
    reflection = Reflection.objects.filter(session=session).first()
    form = bind(lambda data: ReflectionForm(data, instance=reflection), json_body(request))
    try:
        saved = reflection_save(session=session, by=user, data=form.cleaned_data)
    except ReflectionClosed as error:
        raise ApiError(409, str(error)) from None
    return insights_json.reflection(saved)
