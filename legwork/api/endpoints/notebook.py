"""The journal and thinking time: the client's own, on the notebook's gates, forms and services.

A journal entry is its client's alone until shared, entry by entry: `get_entry_for_user`
and `JournalEntry.objects.visible_to` give a coach only what was shared with them, and
read-only (403 on any change). Thinking time is the client's alone: anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone

from legwork.coaching.access import get_engagement_for_user
from legwork.lib.shapes import DATETIME, STRING, array, enum, nullable, obj, ref
from legwork.notebook import serialise, services
from legwork.notebook.access import get_block_for_user, get_entry_for_user
from legwork.notebook.forms import BlockForm, EntryForm, MarkForm, ShareForm
from legwork.notebook.models import JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence

from ..binding import bind, form_schema
from ..http import ApiError, json_body, signed_in
from ..pagination import QUERY, page_schema, paginate
from ..router import router

RECENT_DAYS = 21
MAX_DAYS = 92

SCHEMAS = {
    "JournalEntryPage": page_schema("JournalEntry"),
    "ThinkingTimeBlockPage": page_schema("ThinkingTimeBlock"),
    "OccurrenceList": obj(
        {
            "results": array(
                obj(
                    {
                        "starts_at": DATETIME,
                        "status": nullable(enum(ThinkingTimeOccurrence.Status.values)),
                        "note": STRING,
                    }
                )
            )
        }
    ),
}


class ActiveForm(forms.Form):
    """Pause a block (its history is kept) or take it up again."""

    active = forms.BooleanField(required=False, label="Whether the block is planned and reminded")


def _require_owner(entry: JournalEntry, request: HttpRequest) -> None:
    """A coach who can read a shared entry still can't change it: 403."""
    if entry.client_id != signed_in(request).pk:
        raise PermissionDenied("Only the person who wrote this entry can change it.")


def _entry_values(form: EntryForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in EntryForm.Meta.fields}


@router.get(
    "/journal",
    summary="Your own journal entries, newest first (`?q=` searches them)",
    response=ref("JournalEntryPage"),
    query=[*QUERY, {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}}],
)
def entry_list(request: HttpRequest) -> dict[str, Any]:
    entries = JournalEntry.objects.filter(client=signed_in(request))
    if query := request.GET.get("q", "").strip()[:200]:
        entries = entries.search(query)
    return paginate(request, entries, order=("-created_at", "-pk"), serialise=serialise.journal_entry)


@router.post(
    "/journal",
    summary="Write a journal entry: private until you share it",
    response=ref("JournalEntry"),
    status=201,
    body=lambda: form_schema(EntryForm),
)
def entry_create(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    form = bind(lambda data: EntryForm(data, client=user), json_body(request))
    return serialise.journal_entry(services.entry_save(client=user, entry=None, data=_entry_values(form)))


@router.get(
    "/journal/{id}",
    summary="One entry: your own, or one a client shared with you (read-only)",
    response=ref("JournalEntry"),
)
def entry_detail(request: HttpRequest, id: str) -> dict[str, Any]:
    return serialise.journal_entry(get_entry_for_user(signed_in(request), id))


@router.patch(
    "/journal/{id}",
    summary="Change your entry; fields left out stay as they are",
    response=ref("JournalEntry"),
    role="owner",
    body=lambda: form_schema(EntryForm, partial=True),
)
def entry_edit(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    entry = get_entry_for_user(user, id)
    _require_owner(entry, request)
    form = bind(lambda data: EntryForm(data, instance=entry, client=user), json_body(request), partial=True)
    return serialise.journal_entry(services.entry_save(client=user, entry=entry, data=_entry_values(form)))


@router.delete("/journal/{id}", summary="Delete your entry, for good", role="owner")
def entry_delete(request: HttpRequest, id: str) -> None:
    entry = get_entry_for_user(signed_in(request), id)
    _require_owner(entry, request)
    entry.delete()


@router.post(
    "/journal/{id}/share",
    summary="Share the entry with the coach of one of your engagements",
    response=ref("JournalEntry"),
    role="owner",
    body=lambda: form_schema(ShareForm),
)
def entry_share(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    entry = get_entry_for_user(user, id)
    _require_owner(entry, request)
    form = bind(lambda data: ShareForm(data, client=user), json_body(request))
    services.entry_share(entry=entry, engagement=form.cleaned_data["engagement"], by=user)
    return serialise.journal_entry(entry)


@router.post(
    "/journal/{id}/unshare",
    summary="Take the entry back: only you can see it again, at once",
    response=ref("JournalEntry"),
    role="owner",
)
def entry_unshare(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    entry = get_entry_for_user(user, id)
    _require_owner(entry, request)
    services.entry_unshare(entry=entry, by=user)
    return serialise.journal_entry(entry)


@router.get(
    "/engagements/{id}/journal",
    summary="The entries shared in one engagement: what the client chose to show its coach",
    response=ref("JournalEntryPage"),
    query=QUERY,
)
def shared_entries(request: HttpRequest, id: str) -> dict[str, Any]:
    user = signed_in(request)
    engagement = get_engagement_for_user(user, id)
    entries = JournalEntry.objects.visible_to(user).shared_with_engagement(engagement)
    return paginate(request, entries, order=("-shared_at", "-pk"), serialise=serialise.journal_entry)


# --- Thinking time ---------------------------------------------------------------------------


@router.get("/thinking-time", summary="Your thinking-time blocks", response=ref("ThinkingTimeBlockPage"), query=QUERY)
def block_list(request: HttpRequest) -> dict[str, Any]:
    blocks = ThinkingTimeBlock.objects.visible_to(signed_in(request))
    return paginate(request, blocks, order=("start_time", "pk"), serialise=serialise.thinking_block)


@router.post(
    "/thinking-time",
    summary="Set aside a recurring block just to think",
    description="`timezone` defaults to yours.",
    response=ref("ThinkingTimeBlock"),
    status=201,
    body=lambda: form_schema(BlockForm),
)
def block_create(request: HttpRequest) -> dict[str, Any]:
    user = signed_in(request)
    payload = {"timezone": user.timezone, **json_body(request)}
    form = bind(BlockForm, payload)
    form.instance.client = user
    return serialise.thinking_block(form.save())


@router.patch(
    "/thinking-time/{id}",
    summary="Change a block; fields left out stay as they are",
    response=ref("ThinkingTimeBlock"),
    body=lambda: form_schema(BlockForm, partial=True),
)
def block_edit(request: HttpRequest, id: str) -> dict[str, Any]:
    block = get_block_for_user(signed_in(request), id)
    form = bind(lambda data: BlockForm(data, instance=block), json_body(request), partial=True)
    return serialise.thinking_block(form.save())


@router.post(
    "/thinking-time/{id}/active",
    summary="Pause a block (its history is kept) or take it up again",
    response=ref("ThinkingTimeBlock"),
    body=lambda: form_schema(ActiveForm),
)
def block_active(request: HttpRequest, id: str) -> dict[str, Any]:
    block = get_block_for_user(signed_in(request), id)
    form = bind(ActiveForm, json_body(request))
    block.active = form.cleaned_data["active"]
    block.save(update_fields=["active"])
    return serialise.thinking_block(block)


@router.get(
    "/thinking-time/{id}/occurrences",
    summary=f"The block's times in the last `days` days (default {RECENT_DAYS}), newest first, with their marks",
    response=ref("OccurrenceList"),
    query=[{"name": "days", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DAYS}}],
)
def block_occurrences(request: HttpRequest, id: str) -> dict[str, Any]:
    block = get_block_for_user(signed_in(request), id)
    raw = request.GET.get("days", "")
    if raw and (not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS):
        raise ApiError(400, f"days is a whole number from 1 to {MAX_DAYS}.", {"days": "Out of range."})
    now = timezone.now()
    start = now - dt.timedelta(days=int(raw or RECENT_DAYS))
    marks = {mark.starts_at: mark for mark in block.occurrences.filter(starts_at__gte=start, starts_at__lt=now)}
    rows = []
    for when in reversed(block.occurrences_between(start, now)):
        mark = marks.get(when)
        rows.append(
            {"starts_at": when.isoformat(), "status": mark.status if mark else None, "note": mark.note if mark else ""}
        )
    return {"results": rows}


@router.post(
    "/thinking-time/{id}/mark",
    summary="Mark one time the block happened taken or skipped; marking again changes the mark",
    response=ref("ThinkingTimeOccurrence"),
    body=lambda: form_schema(MarkForm),
)
def block_mark(request: HttpRequest, id: str) -> dict[str, Any]:
    block = get_block_for_user(signed_in(request), id)
    form = bind(MarkForm, json_body(request))
    try:
        mark = services.occurrence_mark(
            block=block,
            starts_at=form.cleaned_data["starts_at"].astimezone(dt.UTC),
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except ValueError as error:
        raise ApiError(400, str(error), {"starts_at": str(error)}) from None
    return serialise.occurrence(mark)
