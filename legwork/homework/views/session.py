"""The session page, where the loop turns: the agenda, the review, the wrap-up and the notes.

It lives with the loop because it is built from both coaching (the session, its notes and agenda)
and homework (what is reviewed and what is agreed); coaching never imports homework.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from legwork.coaching.access import get_session_for_user, require_coach
from legwork.coaching.forms import AgendaItemForm, PrivateNotesForm, SessionNotesForm, SessionStatusForm
from legwork.coaching.models import AgendaItem, Session
from legwork.lib.http import AuthedHttpRequest
from legwork.lib.rules import RuleBroken

from .. import services
from ..access import get_homework_for_user
from ..forms import WRAP_UP_MAX_ROWS, NextSessionForm, ReviewForm, wrap_up_formset
from ..models import Decision, Homework, Outcome, Purpose, Reason

TEMPLATE = "homework/session_detail.html"


def session_context(request: AuthedHttpRequest, session: Session) -> dict[str, Any]:
    engagement = session.engagement
    is_coach = engagement.is_coach(request.user)
    to_review = (
        Homework.objects.open()
        .filter(engagement=engagement, created_at__lt=session.scheduled_at)
        .exclude(agreed_in=session)
        .select_related("goal")
        .annotate(entries=Count("progress"))
    )
    following = session.following()
    has_started = session.has_started()
    agreed_here = Homework.objects.filter(agreed_in=session).select_related("goal", "carried_from")
    reviewed_here = Homework.objects.filter(reviewed_in=session).select_related("carried_to")
    return {
        "session": session,
        "engagement": engagement,
        "is_coach": is_coach,
        # Before its start the session is prepared, not reviewed or wrapped up (Session.has_started).
        "has_started": has_started,
        "agenda_items": engagement.agenda_items.open().select_related("homework"),
        "to_review": [(item, ReviewForm(prefix=f"review-{item.pk}") if has_started else None) for item in to_review],
        "outcome_choices": Outcome.choices,
        "purpose_choices": Purpose.choices,
        "reason_choices": Reason.choices,
        "decision_choices": Decision.choices,
        "agreed_here": agreed_here,
        "reviewed_here": reviewed_here,
        "notes_form": SessionNotesForm(instance=session),
        "private_form": PrivateNotesForm(instance=session) if is_coach else None,
        "status_form": SessionStatusForm(initial={"status": session.status}),
        "agenda_form": AgendaItemForm(),
        "formset": wrap_up_formset(engagement) if has_started else None,
        "wrap_up_once": secrets.token_urlsafe(16),
        "next_form": NextSessionForm(initial={"next_session_at": None if following else session.suggested_next_at()}),
        "next_session": following,
    }


@login_required
def session_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    return render(request, TEMPLATE, session_context(request, session))


@login_required
@require_POST
def session_notes(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    form = SessionNotesForm(request.POST, instance=session)
    if form.is_valid():
        form.save()
        messages.success(request, "Notes saved.")
        return redirect("session", pk=session.pk)
    context = session_context(request, session)
    context["notes_form"] = form
    return render(request, TEMPLATE, context, status=400)


@login_required
@require_POST
def session_private_notes(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    form = PrivateNotesForm(request.POST, instance=session)
    if form.is_valid():
        form.save()
        messages.success(request, "Private notes saved.")
        return redirect("session", pk=session.pk)
    context = session_context(request, session)
    context["private_form"] = form
    return render(request, TEMPLATE, context, status=400)


@login_required
@require_POST
def session_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    form = SessionStatusForm(request.POST)
    if form.is_valid():
        session.mark(form.cleaned_data["status"])
        messages.success(request, f"Session marked {session.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose scheduled, held, cancelled or missed.")
    return redirect("session", pk=session.pk)


@login_required
@require_POST
def agenda_item_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        AgendaItem.objects.create(engagement=session.engagement, text=form.cleaned_data["text"])
        return redirect(session.get_absolute_url() + "#agenda-h")
    context = session_context(request, session)
    context["agenda_form"] = form
    return render(request, TEMPLATE, context, status=400)


@login_required
@require_POST
def agenda_item_resolve(request: AuthedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    item = session.engagement.agenda_items.filter(pk=item_pk).first()
    if item is None:
        raise Http404("No such agenda item in this session.")
    item.resolve()
    return redirect("session", pk=session.pk)


@login_required
@require_POST
def homework_review(request: AuthedHttpRequest, pk: int, homework_pk: int) -> HttpResponse:
    """Give one homework its outcome during the session (coach's screen, used live)."""
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    homework = get_homework_for_user(request.user, homework_pk)
    if homework.engagement_id != session.engagement_id:
        raise Http404("No such homework in this session.")
    try:
        homework.require_open()
    except RuleBroken:
        messages.info(request, f"“{homework.title}” has its outcome already.")
        return redirect(session.get_absolute_url() + "#review")
    form = ReviewForm(request.POST, prefix=f"review-{homework.pk}")
    if form.is_valid():
        try:
            carried = services.homework_review(
                homework=homework,
                session=session,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except services.AlreadyReviewed as error:
            messages.info(request, error.message)
            return redirect(session.get_absolute_url() + "#review")
        except RuleBroken as error:
            if error.field not in form.fields:
                messages.error(request, error.message)
                return redirect(session.get_absolute_url() + "#review")
            form.add_error(error.field, error.message)
            return _review_again(request, session, homework, form)
        if carried is not None and homework.decision == Decision.CHANGE:
            messages.info(request, "Now change it together: edit the words and the plan.")
            return redirect("homework_edit", pk=carried.pk)
        messages.success(request, f"“{homework.title}”: {homework.get_outcome_display().lower()}.")
        return redirect(session.get_absolute_url() + "#review")
    return _review_again(request, session, homework, form)


def _review_again(request: AuthedHttpRequest, session: Session, homework: Homework, form: ReviewForm) -> HttpResponse:
    """The session page with this homework's review form as posted, its errors beside the fields."""
    context = session_context(request, session)
    rows = [(item, form if item.pk == homework.pk else review_form) for item, review_form in context["to_review"]]
    if not any(item.pk == homework.pk for item, _ in rows):
        homework.entries = homework.progress.count()  # type: ignore[attr-defined]
        rows.insert(0, (homework, form))
    context["to_review"] = rows
    return render(request, TEMPLATE, context, status=400)


@login_required
@require_POST
def session_wrap_up(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Add the interval's homework and set the next session, in one go."""
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    if "add_row" in request.POST:
        return _wrap_up_with_another_row(request, session)
    formset = wrap_up_formset(session.engagement, request.POST)
    next_form = NextSessionForm(request.POST)
    if formset.is_valid() and next_form.is_valid():
        drafts = [form.to_draft() for form in formset if form.has_changed() and form.cleaned_data.get("title")]
        try:
            next_session, created = services.session_wrap_up(
                session=session,
                drafts=drafts,
                next_session_at=next_form.cleaned_data["next_session_at"],
                by=request.user,
                # A double click or a resent form arrives twice with the same once-only key: saved once.
                once=str(request.POST.get("once", "")),
            )
        except services.AlreadyWrappedUp as error:
            messages.info(request, error.message)
            return redirect(session.get_absolute_url() + "#agreed-h")
        except RuleBroken as error:
            messages.error(request, error.message)
            return redirect(session.get_absolute_url() + "#wrap-up")
        messages.success(
            request,
            f"Session wrapped up: {len(created)} homework proposed"
            + (
                f", next session {timezone.localtime(next_session.scheduled_at):%a %d %b at %H:%M}."
                if next_session
                else "."
            ),
        )
        return redirect(session.get_absolute_url() + "#agreed-h")
    context = session_context(request, session)
    context.update(formset=formset, next_form=next_form, wrap_up_errors=True)
    return render(request, TEMPLATE, context, status=400)


def _wrap_up_with_another_row(request: AuthedHttpRequest, session: Session) -> HttpResponse:
    """The "Add another row" button: the same rows, as typed, and one more (a plain submit, so no JS needed)."""
    data = request.POST.copy()
    try:
        rows = int(data.get("homework-TOTAL_FORMS", ""))
    except ValueError:
        rows = 0
    data["homework-TOTAL_FORMS"] = str(max(0, min(rows + 1, WRAP_UP_MAX_ROWS)))
    context = session_context(request, session)
    context.update(formset=wrap_up_formset(session.engagement, data), next_form=NextSessionForm(data), focus_last=True)
    template = f"{TEMPLATE}#wrap-up" if request.htmx else TEMPLATE
    return render(request, template, context)
