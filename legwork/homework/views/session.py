"""The session page, where the loop turns: the agenda, the review, the wrap-up and the notes.

It lives with the loop because it is built from both coaching (the session, its notes and agenda)
and homework (what is reviewed and what is agreed); coaching never imports homework.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from legwork.coaching.access import get_session_for_user, require_coach
from legwork.coaching.forms import AgendaItemForm, PrivateNotesForm, SessionStatusForm, SharedNotesForm
from legwork.coaching.models import AgendaItem, Session
from legwork.lib.http import AuthedHttpRequest, keep_post, take_kept_post
from legwork.lib.rules import RuleBroken

from .. import services
from ..access import get_homework_for_user
from ..forms import WRAP_UP_MAX_ROWS, NextSessionForm, ReviewForm, wrap_up_formset
from ..models import Decision, Homework, Outcome, Purpose, Reason

TEMPLATE = "homework/session_detail.html"


def _page_key(session: Session) -> str:
    return f"session:{session.pk}"


def _page(session: Session, anchor: str = "", one: bool = False) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        session.get_absolute_url() + ("?one=1" if one else "") + (f"#{anchor}" if anchor else "")
    )


def _back_with_errors(
    request: AuthedHttpRequest, session: Session, form: str, anchor: str, **kept: Any
) -> HttpResponse:
    """Post/redirect/get for a form that failed: kept in the session, shown again on the page's own URL."""
    keep_post(request, _page_key(session), form, **kept)
    return _page(session, anchor, one=request.POST.get("one") == "1")


def _stage(has_started: bool, to_review: list[Any], agreed_here: Any, wrap_up_open: bool) -> str:
    """Where the session is as it runs: before it, reviewing, wrapping up, or closed (docs/loop.md)."""
    if not has_started:
        return "before"
    if to_review:
        return "review"
    return "wrap-up" if wrap_up_open else "closed"


def session_context(request: AuthedHttpRequest, session: Session) -> dict[str, Any]:
    engagement = session.engagement
    is_coach = engagement.is_coach(request.user)
    to_review = list(
        Homework.objects.open()
        .filter(engagement=engagement, created_at__lt=session.scheduled_at)
        .exclude(agreed_in=session)
        .select_related("goal")
        .annotate(entries=Count("progress"))
    )
    following = session.following()
    has_started = session.has_started()
    agreed_here = list(Homework.objects.filter(agreed_in=session).select_related("goal", "carried_from"))
    reviewed_here = list(Homework.objects.filter(reviewed_in=session).select_related("carried_to"))
    review_forms = {item.pk: ReviewForm(prefix=f"review-{item.pk}") for item in to_review} if has_started else {}
    context: dict[str, Any] = {
        "notes_form": SharedNotesForm(instance=session),
        "private_form": PrivateNotesForm(instance=session) if is_coach else None,
        "agenda_form": AgendaItemForm(),
        "formset": wrap_up_formset(engagement) if has_started else None,
        "next_form": NextSessionForm(initial={"next_session_at": None if following else session.suggested_next_at()}),
    }
    # A form that failed comes back once, as posted, with its errors (see _back_with_errors).
    kept = take_kept_post(request, _page_key(session)) if request.method == "GET" else None
    wrap_up_kept = False
    if kept is not None:
        name, data, errors = kept
        if name.startswith("review-") and name.removeprefix("review-").isdigit():
            form = ReviewForm(data, prefix=name)
            form.is_valid()
            _add_kept_errors(form, errors)
            review_forms[int(name.removeprefix("review-"))] = form
        elif name in ("wrap-up", "add-row") and has_started:
            context["formset"] = wrap_up_formset(engagement, data)
            context["next_form"] = NextSessionForm(data)
            if name == "wrap-up":
                context["formset"].is_valid()
                context["next_form"].is_valid()
                context["wrap_up_errors"] = True
            else:
                context["focus_last"] = True
            wrap_up_kept = True
        elif name == "notes":
            context["notes_form"] = SharedNotesForm(data, instance=session)
            context["notes_form"].is_valid()
        elif name == "private" and is_coach:
            context["private_form"] = PrivateNotesForm(data, instance=session)
            context["private_form"].is_valid()
        elif name == "agenda":
            context["agenda_form"] = AgendaItemForm(data)
            context["agenda_form"].is_valid()
    # The wrap-up is open once the session starts, until homework is agreed in it; "Add more" opens it again.
    # (A carried-over homework is agreed here by the review, not by the wrap-up.)
    wrapped_up = any(item.carried_from_id is None for item in agreed_here)
    wrap_up_open = has_started and (not wrapped_up or wrap_up_kept or request.GET.get("more") == "1")
    one_at_a_time = request.GET.get("one") == "1"
    rows = [(item, review_forms.get(item.pk)) for item in to_review]
    context.update(
        {
            "session": session,
            "engagement": engagement,
            "is_coach": is_coach,
            # Before its start the session is prepared, not reviewed or wrapped up (Session.has_started).
            "has_started": has_started,
            "stage": _stage(has_started, to_review, agreed_here, wrap_up_open),
            # Lists, not QuerySets: every query runs here, none from the template.
            "agenda_items": list(engagement.agenda_items.open().select_related("homework")),
            "to_review": rows[:1] if one_at_a_time and has_started else rows,
            "review_total": len(rows),
            "one_at_a_time": one_at_a_time,
            "outcome_choices": Outcome.choices,
            "purpose_choices": Purpose.choices,
            "reason_choices": Reason.choices,
            "decision_choices": Decision.choices,
            "agreed_here": agreed_here,
            "reviewed_here": reviewed_here,
            "wrap_up_open": wrap_up_open,
            "status_form": SessionStatusForm(initial={"status": session.status}),
            "wrap_up_once": secrets.token_urlsafe(16),
            "next_session": following,
        }
    )
    return context


def _add_kept_errors(form: Any, errors: dict[str, list[str]]) -> None:
    """Errors a service raised (RuleBroken) after the form was valid: the form alone would not find them."""
    for field, messages_ in errors.items():
        for message in messages_:
            if message not in form.errors.get(field if field in form.fields else None, []):
                form.add_error(field if field in form.fields else None, message)


def post_only_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A form's POST address: a GET (a reload, a bookmark) goes back to the session page, never a 405."""

    @wraps(view)
    def wrapper(request: AuthedHttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return _page(get_session_for_user(request.user, pk))
        return view(request, pk, *args, **kwargs)

    return wrapper


@login_required
def session_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    return render(request, TEMPLATE, session_context(request, session))


@login_required
@post_only_page
def session_notes(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    form = SharedNotesForm(request.POST, instance=session)
    if form.is_valid():
        form.save()
        messages.success(request, "Notes saved.")
        return _page(session, "notes-h")
    return _back_with_errors(request, session, "notes", "notes-h")


@login_required
@post_only_page
def session_private_notes(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    form = PrivateNotesForm(request.POST, instance=session)
    if form.is_valid():
        form.save()
        messages.success(request, "Private notes saved.")
        return _page(session, "private-h")
    return _back_with_errors(request, session, "private", "private-h")


@login_required
@post_only_page
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
@post_only_page
def agenda_item_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = get_session_for_user(request.user, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        AgendaItem.objects.create(engagement=session.engagement, text=form.cleaned_data["text"])
        return _page(session, "agenda-h")
    return _back_with_errors(request, session, "agenda", "agenda-h")


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
def homework_review(request: AuthedHttpRequest, pk: int, homework_pk: int) -> HttpResponse:
    """Give one homework its outcome during the session (coach's screen, used live).

    htmx swaps the homework's review in place (a 200, so htmx swaps it and the console stays
    quiet); without JS the page comes back at its own URL, the form as posted (post/redirect/get).
    """
    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    homework = get_homework_for_user(request.user, homework_pk)
    if homework.engagement_id != session.engagement_id:
        raise Http404("No such homework in this session.")
    if request.method != "POST":
        return _page(session)  # a reload of the form's address goes back to the page, never a 405
    one = request.POST.get("one") == "1"
    try:
        homework.require_open()
    except RuleBroken:
        messages.info(request, f"“{homework.title}” has its outcome already.")
        return _done(request, session, "review", one)
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
            return _done(request, session, "review", one)
        except RuleBroken as error:
            if error.field not in form.fields:
                messages.error(request, error.message)
                return _done(request, session, "review", one)
            form.add_error(error.field, error.message)
            return _review_again(request, session, homework, form)
        if carried is not None and homework.decision == Decision.CHANGE:
            messages.info(request, "Now change it together: edit the words and the plan.")
            return _go(request, reverse("homework_edit", args=[carried.pk]))
        messages.success(request, f"“{homework.title}”: {homework.get_outcome_display().lower()}.")
        return _done(request, session, "review", one)
    return _review_again(request, session, homework, form)


def _go(request: AuthedHttpRequest, url: str) -> HttpResponse:
    """A redirect an htmx request follows as a whole page (not swapped into the form)."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _done(request: AuthedHttpRequest, session: Session, anchor: str, one: bool = False) -> HttpResponse:
    if request.htmx:
        # Back on the same page: a redirect to it would only move to its #anchor, so htmx reloads it instead.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return _go(request, session.get_absolute_url() + ("?one=1" if one else "") + f"#{anchor}")


def _review_again(request: AuthedHttpRequest, session: Session, homework: Homework, form: ReviewForm) -> HttpResponse:
    """This homework's review as posted, its errors beside the fields: in place (htmx) or back on the page."""
    if request.htmx:
        homework.entries = homework.progress.count()  # type: ignore[attr-defined]
        context = {
            "session": session,
            "item": homework,
            "form": form,
            "one_at_a_time": request.POST.get("one") == "1",
            "outcome_choices": Outcome.choices,
            "reason_choices": Reason.choices,
            "decision_choices": Decision.choices,
        }
        return render(request, f"{TEMPLATE}#review-item", context)
    errors = {field or "__all__": [str(e) for e in errs] for field, errs in form.errors.items()}
    return _back_with_errors(request, session, f"review-{homework.pk}", f"review-{homework.pk}", errors=errors)


@login_required
@post_only_page
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
            return _page(session, "agreed-h")
        except RuleBroken as error:
            messages.error(request, error.message)
            return _page(session, "wrap-up")
        messages.success(
            request,
            f"Session wrapped up: {len(created)} homework proposed"
            + (
                f", next session {timezone.localtime(next_session.scheduled_at):%a %d %b at %H:%M}."
                if next_session
                else "."
            ),
        )
        return _page(session, "agreed-h")
    return _back_with_errors(request, session, "wrap-up", "wrap-up")


def _wrap_up_with_another_row(request: AuthedHttpRequest, session: Session) -> HttpResponse:
    """The "Add another row" button: the same rows, as typed, and one more (a plain submit, so no JS needed)."""
    data = request.POST.copy()
    try:
        rows = int(data.get("homework-TOTAL_FORMS", ""))
    except ValueError:
        rows = 0
    data["homework-TOTAL_FORMS"] = str(max(0, min(rows + 1, WRAP_UP_MAX_ROWS)))
    if not request.htmx:
        request.POST = data  # type: ignore[assignment]
        return _back_with_errors(request, session, "add-row", "wrap-up")
    context = session_context(request, session)
    context.update(formset=wrap_up_formset(session.engagement, data), next_form=NextSessionForm(data), focus_last=True)
    context["wrap_up_open"] = True
    return render(request, f"{TEMPLATE}#wrap-up", context)
