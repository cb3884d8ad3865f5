"""Threads and acknowledgements: the pages' gates, forms and services, as JSON."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from legwork.coaching.access import require_coach
from legwork.conversation import serialise, services
from legwork.conversation.access import get_homework_for_user, get_progress_entry_for_user, get_reflection_for_user
from legwork.conversation.forms import AcknowledgeForm, KeepForm, MessageForm
from legwork.conversation.panels import MESSAGES_SHOWN
from legwork.lib.shapes import ref

from ..binding import bind, form_schema
from ..http import json_body, signed_in
from ..router import router


@router.get(
    "/homework/{id}/thread",
    summary="The homework's thread between its coach and client, newest last",
    response=ref("Thread"),
)
def thread_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    homework = get_homework_for_user(signed_in(request), id)
    messages = list(homework.thread.order_by("-created_at", "-pk")[:MESSAGES_SHOWN])
    messages.reverse()
    return {"homework": homework.pk, "messages": [serialise.message(m) for m in messages]}


@router.post(
    "/homework/{id}/thread",
    summary="Write in the homework's thread; the other person is told calmly (the outbox)",
    response=ref("ThreadMessage"),
    status=201,
    body=lambda: form_schema(MessageForm),
)
def thread_message_create(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework = get_homework_for_user(user, id)
    form = bind(MessageForm, json_body(request))
    return serialise.message(services.thread_post(homework=homework, by=user, body=form.cleaned_data["body"]))


@router.post(
    "/homework/{id}/thread/keep",
    summary="The coach keeps the homework as it was after a change request",
    description="It goes back to the client for “I'm in”. To accept the change, PATCH the homework. "
    "No change waiting is a 409.",
    response=ref("ThreadMessage"),
    role="coach",
    body=lambda: form_schema(KeepForm),
)
def thread_keep(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    homework = get_homework_for_user(user, id)
    require_coach(homework.engagement, user)
    form = bind(KeepForm, json_body(request))
    return serialise.message(services.change_keep(homework=homework, by=user, body=form.cleaned_data["body"]))


@router.post(
    "/progress/{id}/acknowledge",
    summary="The coach marks a progress entry as seen, with an optional word",
    response=ref("Acknowledgement"),
    role="coach",
    body=lambda: form_schema(AcknowledgeForm),
)
def progress_acknowledge(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    entry = get_progress_entry_for_user(user, id)
    require_coach(entry.homework.engagement, user)
    form = bind(AcknowledgeForm, json_body(request))
    return serialise.acknowledgement(services.acknowledge(by=user, entry=entry, word=form.cleaned_data["word"]))


@router.post(
    "/sessions/{id}/reflection/acknowledge",
    summary="The coach marks the session's reflection as read, with an optional word",
    response=ref("Acknowledgement"),
    role="coach",
    body=lambda: form_schema(AcknowledgeForm),
)
def reflection_acknowledge(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    reflection = get_reflection_for_user(user, id)
    require_coach(reflection.session.engagement, user)
    form = bind(AcknowledgeForm, json_body(request))
    return serialise.acknowledgement(
        services.acknowledge(by=user, reflection=reflection, word=form.cleaned_data["word"])
    )
