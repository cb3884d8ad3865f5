"""One homework's pages: read it, confirm it, propose a change, edit it, log progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from legwork.coaching.access import require_client, require_coach
from legwork.lib.http import AuthedHttpRequest, redirect_back
from legwork.lib.rules import RuleBroken

from .. import services
from ..access import get_homework_for_user
from ..forms import ChangeRequestForm, HomeworkForm, ProgressForm
from ..models import Homework, ProgressEntry


@login_required
def homework_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    homework = get_homework_for_user(request.user, pk)
    return render(
        request,
        "homework/homework_detail.html",
        {
            "homework": homework,
            "is_coach": homework.engagement.is_coach(request.user),
            "is_client": homework.engagement.is_client(request.user),
            "progress": list(homework.progress.select_related("author")),  # read here, not from the template
            "progress_form": ProgressForm(),
            "change_form": ChangeRequestForm(),
            "chain": homework.carry_over_chain()[1:],
        },
    )


@login_required
@require_POST
def homework_confirm(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    homework = get_homework_for_user(request.user, pk)
    require_client(homework.engagement, request.user)
    try:
        services.homework_confirm(homework=homework, by=request.user)
    except RuleBroken as error:
        return _refused(request, homework, error)
    if request.htmx:
        return _homework_card(request, homework)
    messages.success(request, f"You're in: “{homework.title}”.")
    return redirect_back(request, "home")


@login_required
def homework_request_change(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    homework = get_homework_for_user(request.user, pk)
    require_client(homework.engagement, request.user)
    form = ChangeRequestForm(request.POST or None)
    try:
        homework.require_open()  # the model's rule, asked before a form that could not be saved is shown
        if request.method == "POST" and form.is_valid():
            services.homework_request_change(homework=homework, note=form.cleaned_data["note"], by=request.user)
    except RuleBroken as error:
        return _refused(request, homework, error)
    if request.method == "POST" and form.is_valid():
        messages.success(request, "Your coach will see what you'd change.")
        return redirect("homework", pk=homework.pk)
    return render(
        request,
        "homework/change_request.html",
        {"homework": homework, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def homework_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    homework = get_homework_for_user(request.user, pk)
    engagement = homework.engagement
    # The client proposes a change instead; the coach rewrites it and it goes back to them to confirm.
    require_coach(engagement, request.user)
    form = HomeworkForm(request.POST or None, instance=homework, engagement=engagement)
    try:
        homework.require_open()  # the model's rule, asked before a form that could not be saved is shown
        if request.method == "POST" and form.is_valid():
            services.homework_update(homework=homework, draft=form.to_draft(), by=request.user)
    except RuleBroken as error:
        return _refused(request, homework, error)
    if request.method == "POST" and form.is_valid():
        messages.success(request, "Homework updated.")
        return redirect("homework", pk=homework.pk)
    return render(
        request,
        "homework/homework_form.html",
        {"homework": homework, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def progress_log(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    homework = get_homework_for_user(request.user, pk)
    require_client(homework.engagement, request.user)
    form = ProgressForm(request.POST, prefix=f"progress-{homework.pk}")
    entry = None
    if form.is_valid():
        try:
            entry = services.progress_log(
                homework=homework,
                by=request.user,
                note=form.cleaned_data["note"],
                minutes=form.cleaned_data["minutes"],
                occurred_on=form.cleaned_data["occurred_on"],
            )
        except RuleBroken as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    if entry is not None:
        if request.htmx:
            return _homework_card(request, homework, entry=entry)
        messages.success(request, "Logged. Well done for showing up.")
        return redirect_back(request, "homework", homework.pk)
    if request.htmx:
        # htmx swaps only 2xx answers: the card comes back with the errors beside the fields and the text kept.
        return _homework_card(request, homework, form=form)
    return render(
        request,
        "homework/homework_detail.html",
        {
            "homework": homework,
            "is_coach": False,
            "is_client": True,
            "progress": list(homework.progress.select_related("author")),  # read here, not from the template
            "progress_form": form,
            "change_form": ChangeRequestForm(),
            "chain": homework.carry_over_chain()[1:],
        },
        status=400,
    )


def _refused(request: AuthedHttpRequest, homework: Homework, error: RuleBroken) -> HttpResponse:
    """A rule of the loop said no: back to the homework, with its reason."""
    messages.error(request, error.message)
    return redirect("homework", pk=homework.pk)


def _homework_card(
    request: AuthedHttpRequest,
    homework: Homework,
    *,
    entry: ProgressEntry | None = None,
    form: ProgressForm | None = None,
) -> HttpResponse:
    """The client home's card for one homework, as htmx swaps it in after logging progress."""
    summary = homework.progress.aggregate(entries=Count("pk"), last_entry=Max("written_at"))
    homework.entries = summary["entries"]  # type: ignore[attr-defined]
    homework.last_entry = summary["last_entry"]  # type: ignore[attr-defined]
    context = {"homework": homework, "entry": entry, "form": form}
    response = render(request, "homework/client_home.html#homework-card", context)
    if entry is not None:
        # The interval's line above the cards ("Nothing logged yet this interval") changes too: sent along
        # out of band, so it is right without a reload.
        # Only the line's own panel runs again (the coach's news beside it has its own place, unchanged),
        # and through the engagement's manager the session comes with its engagement and client, loaded above.
        engagement = homework.engagement
        engagement.next = (  # type: ignore[attr-defined]
            engagement.sessions.scheduled()
            .select_related("reflection")
            .with_previous_start()
            .order_by("scheduled_at")
            .first()
        )
        line = render(request, "homework/client_home.html#interval-line", {"engagement": engagement, "oob": True})
        response.content += line.content
    return response
