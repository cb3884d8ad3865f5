from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import TypedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from legwork.coaching.access import get_engagement_for_user
from legwork.lib.http import AuthedHttpRequest

from . import services
from .access import get_block_for_user, get_entry_for_user
from .forms import BlockForm, EntryForm, MarkForm, ShareForm
from .models import BODY_MAX, EntryDraft, JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence

PAGE_SIZE = 50
LIMITS = {"title": 200, "body": BODY_MAX, "prompt": 300, "tags": 300}


def _require_owner(entry: JournalEntry, request: AuthedHttpRequest) -> None:
    """A coach who can read a shared entry still can't change it: 403."""
    if entry.client_id != request.user.pk:
        raise PermissionDenied("Only the person who wrote this entry can change it.")


@login_required
def notebook(request: AuthedHttpRequest) -> HttpResponse:
    """The client's own entries, newest first; `q` searches them."""
    query = request.GET.get("q", "").strip()[:200]
    entries = JournalEntry.objects.filter(client=request.user).select_related("shared_with__coach")
    if query:
        entries = entries.search(query)
    return render(
        request,
        "notebook/notebook.html",
        {
            "entries": list(entries[:PAGE_SIZE]),  # read here, not from the template
            "query": query,
            "new_draft": EntryDraft.objects.filter(client=request.user, entry__isnull=True).first(),
        },
    )


def _entry_form_page(request: AuthedHttpRequest, entry: JournalEntry | None) -> HttpResponse:
    draft = EntryDraft.objects.filter(client=request.user, entry=entry).first()
    if request.method == "POST":
        form = EntryForm(request.POST, instance=entry, client=request.user)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            saved = services.entry_save(client=request.user, entry=entry, data=data)
            messages.success(request, "Saved to your notebook." + ("" if saved.is_shared else " Only you can see it."))
            return redirect(saved)
    else:
        initial = {}
        if draft is not None:
            initial = {name: getattr(draft, name) for name in services.DRAFT_FIELDS}
        elif entry is None and request.GET.get("prompt"):
            initial = {"prompt": request.GET["prompt"][:300]}
        if entry is None and request.GET.get("homework"):
            initial["homework"] = request.GET["homework"]
        form = EntryForm(instance=entry, initial=initial, client=request.user)
    return render(
        request,
        "notebook/entry_form.html",
        {"form": form, "entry": entry, "draft": draft},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def entry_new(request: AuthedHttpRequest) -> HttpResponse:
    return _entry_form_page(request, None)


@login_required
def entry_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, pk)
    _require_owner(entry, request)
    return _entry_form_page(request, entry)


@login_required
@require_POST
def entry_autosave(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Called by htmx a few seconds after typing stops: keeps the draft, answers "Saved 10:42"."""
    entry = None
    if pk is not None:
        entry = get_entry_for_user(request.user, pk)
        _require_owner(entry, request)
    data = {name: str(request.POST.get(name, ""))[:limit] for name, limit in LIMITS.items()}
    draft = services.draft_save(client=request.user, entry=entry, data=data)
    return render(request, "notebook/entry_form.html#saved-status", {"draft": draft})


@login_required
@require_POST
def entry_discard_draft(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    entry = None
    if pk is not None:
        entry = get_entry_for_user(request.user, pk)
        _require_owner(entry, request)
    services.draft_discard(client=request.user, entry=entry)
    messages.info(request, "Draft thrown away.")
    return redirect(entry or "notebook")


@login_required
def entry_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, pk)
    is_owner = entry.client_id == request.user.pk
    share_form = ShareForm(client=request.user) if is_owner else None
    if share_form is not None and entry.shared_with_id:
        share_form.initial["engagement"] = entry.shared_with_id
    return render(
        request,
        "notebook/entry_detail.html",
        {"entry": entry, "is_owner": is_owner, "share_form": share_form},
    )


@login_required
@require_POST
def entry_share(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, pk)
    _require_owner(entry, request)
    form = ShareForm(request.POST, client=request.user)
    if not form.is_valid():
        messages.error(request, "Choose one of your coaches to share with.")
        return redirect(entry)
    engagement = form.cleaned_data["engagement"]
    services.entry_share(entry=entry, engagement=engagement, by=request.user)
    messages.success(request, f"Shared with {engagement.coach.display_name}. You can unshare it at any time.")
    return redirect(entry)


@login_required
@require_POST
def entry_unshare(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, pk)
    _require_owner(entry, request)
    services.entry_unshare(entry=entry, by=request.user)
    messages.success(request, "Unshared: only you can see it now.")
    return redirect(entry)


@login_required
@require_POST
def entry_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, pk)
    _require_owner(entry, request)
    entry.delete()
    messages.success(request, "Entry deleted.")
    return redirect("notebook")


@login_required
def shared_entries(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The entries shared within one engagement: the coach reads them; the client sees what they shared."""
    engagement = get_engagement_for_user(request.user, pk)
    entries = JournalEntry.objects.visible_to(request.user).shared_with_engagement(engagement).order_by("-shared_at")
    return render(
        request,
        "notebook/shared_entries.html",
        {"engagement": engagement, "entries": entries[:PAGE_SIZE], "is_coach": engagement.is_coach(request.user)},
    )


# --- Thinking time -------------------------------------------------------------------


class OccurrenceRow(TypedDict):
    block: ThinkingTimeBlock
    starts_at: dt.datetime
    mark: ThinkingTimeOccurrence | None


def _occurrence_rows(blocks: list[ThinkingTimeBlock], start: dt.datetime, end: dt.datetime) -> list[OccurrenceRow]:
    marks = {
        (mark.block_id, mark.starts_at): mark
        for mark in ThinkingTimeOccurrence.objects.filter(block__in=blocks, starts_at__gte=start, starts_at__lt=end)
    }
    rows: list[OccurrenceRow] = [
        {"block": block, "starts_at": when, "mark": marks.get((block.pk, when))}
        for block in blocks
        for when in block.occurrences_between(start, end)
    ]
    rows.sort(key=itemgetter("starts_at"), reverse=True)
    return rows


@login_required
def thinking_time(request: AuthedHttpRequest) -> HttpResponse:
    """The client's blocks, the recent occurrences to mark, and a form for a new block."""
    now = timezone.now()
    blocks = list(ThinkingTimeBlock.objects.visible_to(request.user))
    active = [block for block in blocks if block.active]
    # No day is ticked for the client: a preselected one joins whatever days they tick (issue 12).
    form = BlockForm(request.POST or None, initial={"timezone": request.user.timezone})
    if request.method == "POST" and form.is_valid():
        form.instance.client = request.user
        form.save()
        messages.success(request, "Thinking time set aside. Protect it like a meeting.")
        return redirect("thinking_time")
    summary = services.thinking_time_summary(request.user, now)
    return render(
        request,
        "notebook/thinking_time.html",
        {
            "blocks": blocks,
            "form": form,
            "past": _occurrence_rows(active, now - dt.timedelta(days=21), now),
            "summary": summary,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def block_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    block = get_block_for_user(request.user, pk)
    form = BlockForm(request.POST or None, instance=block)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Thinking time updated.")
        return redirect("thinking_time")
    return render(
        request,
        "notebook/block_form.html",
        {"form": form, "block": block},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def block_toggle(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    block = get_block_for_user(request.user, pk)
    block.active = not block.active
    block.save(update_fields=["active"])
    messages.success(request, "Block resumed." if block.active else "Block paused: your history is kept.")
    return redirect("thinking_time")


@login_required
@require_POST
def occurrence_mark(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    block = get_block_for_user(request.user, pk)
    form = MarkForm(request.POST)
    mark = None
    starts_at = None
    if form.is_valid():
        starts_at = form.cleaned_data["starts_at"].astimezone(dt.UTC)
        try:
            mark = services.occurrence_mark(
                block=block, starts_at=starts_at, status=form.cleaned_data["status"], note=form.cleaned_data["note"]
            )
        except ValueError as error:
            form.add_error(None, str(error))
    if request.htmx and starts_at is not None:
        row = {"block": block, "starts_at": starts_at, "mark": mark}
        return render(
            request, "notebook/thinking_time.html#occurrence", {"row": row, "form_errors": form.errors}, status=200
        )
    if mark is None:
        messages.error(request, "That could not be marked: pick Taken or Skipped for a time the block happens.")
    return redirect("thinking_time")
