"""Engagements, goals, sessions and the agenda: the pages' coaching actions, on the same gates and forms."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from legwork.coaching import serialise
from legwork.coaching.access import get_engagement_for_user, get_session_for_user, int_pk, require_coach
from legwork.coaching.forms import (
    AgendaItemForm,
    EngagementStatusForm,
    GoalForm,
    PrivateNotesForm,
    SessionForm,
    SessionNotesForm,
    SessionStatusForm,
)
from legwork.coaching.models import AgendaItem, Engagement
from legwork.coaching.services import session_schedule
from legwork.lib.shapes import INTEGER, array, extend, nullable, obj, ref

from ..binding import bind, form_schema
from ..http import json_body, signed_in
from ..pagination import QUERY, page_schema, paginate
from ..router import router

SCHEMAS = {
    "EngagementDetail": extend(serialise.SCHEMAS["Engagement"], {"next_session": nullable(ref("Session"))}),
    "EngagementPage": page_schema("Engagement"),
    "GoalPage": page_schema("Goal"),
    "SessionPage": page_schema("Session"),
    "AgendaItemPage": page_schema("AgendaItem"),
}


@router.get("/engagements", summary="Your engagements, as coach or client", response=ref("EngagementPage"), query=QUERY)
def engagement_list(request: HttpRequest) -> dict[str, Any]:
    engagements = Engagement.objects.visible_to(signed_in(request)).select_related("coach", "client")
    return paginate(request, engagements, order=("pk",), serialise=serialise.engagement)


@router.get("/engagements/{id}", summary="One engagement with its next session", response=ref("EngagementDetail"))
def engagement_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    engagement = get_engagement_for_user(user, id)
    next_session = engagement.next_session()
    return {
        **serialise.engagement(engagement),
        "next_session": serialise.session(next_session, viewer=user) if next_session else None,
    }


@router.post(
    "/engagements/{id}/status",
    summary="Make the engagement active, paused or ended",
    response=ref("Engagement"),
    role="coach",
    body=lambda: form_schema(EngagementStatusForm),
)
def engagement_status(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    engagement = get_engagement_for_user(user, id)
    require_coach(engagement, user)
    form = bind(EngagementStatusForm, json_body(request))
    engagement.set_status(form.cleaned_data["status"])
    return serialise.engagement(engagement)


@router.get("/engagements/{id}/goals", summary="The engagement's goals", response=ref("GoalPage"), query=QUERY)
def goal_list(request: HttpRequest, id: str) -> dict[str, Any]:
    engagement = get_engagement_for_user(signed_in(request), id)
    return paginate(request, engagement.goals.all(), order=("created_at", "pk"), serialise=serialise.goal)


@router.post(
    "/engagements/{id}/goals",
    summary="Add a goal (coach or client)",
    response=ref("Goal"),
    status=201,
    body=lambda: form_schema(GoalForm),
)
def goal_create(request: HttpRequest, id: str) -> dict[str, Any]:
    engagement = get_engagement_for_user(signed_in(request), id)
    form = bind(GoalForm, json_body(request))
    goal = form.save(commit=False)
    goal.engagement = engagement
    goal.save()
    return serialise.goal(goal)


@router.get(
    "/engagements/{id}/sessions",
    summary="The engagement's sessions, latest first (private notes for its coach only)",
    response=ref("SessionPage"),
    query=QUERY,
)
def session_list(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    engagement = get_engagement_for_user(user, id)
    return paginate(
        request,
        engagement.sessions.all(),
        order=("-scheduled_at", "-pk"),
        serialise=lambda session: serialise.session(session, viewer=user),
    )


@router.post(
    "/engagements/{id}/sessions",
    summary="Schedule a session",
    description="`scheduled_at` is ISO 8601; without an offset it is read in your own time zone.",
    response=ref("Session"),
    status=201,
    role="coach",
    body=lambda: form_schema(SessionForm),
)
def session_create(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    engagement = get_engagement_for_user(user, id)
    require_coach(engagement, user)
    form = bind(lambda data: SessionForm(data, initial={"duration_minutes": 60}), json_body(request))
    session = session_schedule(
        engagement=engagement,
        scheduled_at=form.cleaned_data["scheduled_at"],
        duration_minutes=form.cleaned_data["duration_minutes"],
        meeting_url=form.cleaned_data["meeting_url"],
        by=user,
    )
    return serialise.session(session, viewer=user)


@router.get(
    "/engagements/{id}/agenda",
    summary="The open points for the next session, “to explore” ones included",
    response=ref("AgendaItemPage"),
    query=QUERY,
)
def agenda_list(request: HttpRequest, id: str) -> dict[str, Any]:
    engagement = get_engagement_for_user(signed_in(request), id)
    items = engagement.agenda_items.open()
    return paginate(request, items, order=("raised_at", "pk"), serialise=serialise.agenda_item)


@router.get("/sessions/{id}", summary="One session (private notes for its coach only)", response=ref("Session"))
def session_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    return serialise.session(get_session_for_user(user, id), viewer=user)


def _session_form(request: HttpRequest, id: str, form_class: type) -> dict[str, Any]:
    """A coach's change to one session through the page's form; fields left out stay as they are."""
    user = signed_in(request)
    session = get_session_for_user(user, id)
    require_coach(session.engagement, user)
    form = bind(lambda data: form_class(data, instance=session), json_body(request), partial=True)
    form.save()
    return serialise.session(session, viewer=user)


@router.post(
    "/sessions/{id}/notes",
    summary="Write the agenda and the shared notes (the client sees them)",
    response=ref("Session"),
    role="coach",
    body=lambda: form_schema(SessionNotesForm, partial=True),
)
def session_notes(request: HttpRequest, id: str) -> dict[str, Any]:
    return _session_form(request, id, SessionNotesForm)


@router.post(
    "/sessions/{id}/private-notes",
    summary="Write the coach's private notes (only the coach ever sees them)",
    response=ref("Session"),
    role="coach",
    body=lambda: form_schema(PrivateNotesForm, partial=True),
)
def session_private_notes(request: HttpRequest, id: str) -> dict[str, Any]:
    return _session_form(request, id, PrivateNotesForm)


@router.post(
    "/sessions/{id}/status",
    summary="Mark the session scheduled, held, cancelled or missed",
    response=ref("Session"),
    role="coach",
    body=lambda: form_schema(SessionStatusForm),
)
def session_status(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    session = get_session_for_user(user, id)
    require_coach(session.engagement, user)
    form = bind(SessionStatusForm, json_body(request))
    session.mark(form.cleaned_data["status"])
    return serialise.session(session, viewer=user)


@router.post(
    "/sessions/{id}/agenda",
    summary="Add a point to the agenda (coach or client)",
    response=ref("AgendaItem"),
    status=201,
    body=lambda: form_schema(AgendaItemForm),
)
def agenda_item_add(request: HttpRequest, id: str) -> dict[str, Any]:
    session = get_session_for_user(signed_in(request), id)
    form = bind(AgendaItemForm, json_body(request))
    item = AgendaItem.objects.create(engagement=session.engagement, text=form.cleaned_data["text"])
    return serialise.agenda_item(item)


@router.post(
    "/sessions/{id}/agenda/{item_id}/resolve",
    summary="Mark an agenda point dealt with",
    response=ref("AgendaItem"),
    role="coach",
)
def agenda_item_resolve(request: HttpRequest, id: str, item_id: str) -> dict[str, Any]:
    user = signed_in(request)
    session = get_session_for_user(user, id)
    require_coach(session.engagement, user)
    item = session.engagement.agenda_items.filter(pk=int_pk(item_id)).first()
    if item is None:
        raise Http404("No such agenda item in this session.")
    if item.resolved_at is None:
        item.resolve()
    return serialise.agenda_item(item)


def _mount_coach_clients() -> None:
    """The coach's client list keeps its own view (legwork/api/views.py); it is described here."""
    from ..views import coach_clients

    SCHEMAS["CoachClient"] = extend(serialise.SCHEMAS["Engagement"], {"open_homework": INTEGER})
    SCHEMAS["CoachClientList"] = obj({"results": array(ref("CoachClient"))})
    router.mount(
        "GET",
        "/coach/clients",
        coach_clients,
        summary="A coach's current clients with their open homework counts",
        response=ref("CoachClientList"),
        role="coach",
    )


_mount_coach_clients()
