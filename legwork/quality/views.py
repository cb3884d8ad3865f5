"""The quality pages: rate a homework, set and answer check-ins, turn a strategy into a step.

Each is a small page of its own that the panels' forms post to; a form with a mistake comes back
here with the text intact and the error beside the field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from legwork.coaching.access import get_engagement_for_user, get_session_for_user, require_client, require_coach
from legwork.homework.access import get_homework_for_user
from legwork.lib.http import AuthedHttpRequest
from legwork.lib.rules import RuleBroken

from . import pages, services, steps
from .access import get_check_in_scale_for_user
from .forms import CheckInForm, CheckInScalesForm, QualityForm, StepForm
from .models import CheckInAnswer, CheckInScale, role_of


def _back(request: AuthedHttpRequest, default: str) -> str:
    """A path on this site to go back to (never a view name, never another host), else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def homework_quality(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Rate how well a homework went and how useful it was; blind until both have rated."""
    homework = get_homework_for_user(request.user, pk)
    role = role_of(homework.engagement, request.user)
    row = next(iter(pages.rating_rows([homework], role or "")), None)
    form = row.form if row else None
    status = 200
    if request.method == "POST":
        form = QualityForm(request.POST, prefix=f"q{homework.pk}")
        if form.is_valid():
            try:
                services.quality_rate(homework=homework, by=request.user, **form.cleaned_data)
            except RuleBroken as error:
                if error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    messages.error(request, error.message)
                    return HttpResponseRedirect(_back(request, homework.get_absolute_url()))
            else:
                messages.success(request, f"Your rating of “{homework.title}” is saved.")
                return HttpResponseRedirect(_back(request, homework.get_absolute_url()))
        status = 400
        row = next(iter(pages.rating_rows([homework], role or "")), None)
    return render(
        request,
        "quality/rate.html",
        {"homework": homework, "row": row, "form": form, "next": _back(request, "")},
        status=status,
    )


@login_required
def check_in_scales(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The coach chooses the engagement's check-in scales, from the shipped set or their own."""
    engagement = get_engagement_for_user(request.user, pk)
    require_coach(engagement, request.user)
    current = list(CheckInScale.objects.filter(engagement=engagement, retired_at__isnull=True))
    own = [s for s in current if not s.key]
    initial = {"keys": [s.key for s in current if s.key], "keep_own": [str(s.pk) for s in own]}
    library = CheckInScale.objects.visible_to(request.user).library()
    form = CheckInScalesForm(request.POST or None, own=own, library=library, coach_id=request.user.pk, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            keys, chosen_own = form.chosen()
            try:
                services.check_in_scales_set(
                    engagement=engagement, by=request.user, keys=keys, own=chosen_own, library=form.from_library()
                )
            except RuleBroken as error:
                form.add_error(error.field if error.field in ("keys", "library") else None, error.message)
            else:
                messages.success(request, "Check-ins saved: the client answers them in each reflection.")
                return redirect("engagement", pk=engagement.pk)
        status = 400
    context = {"engagement": engagement, "form": form, "own": own}
    return render(request, "quality/check_in_scales.html", context, status=status)


@login_required
@require_POST
def check_in_scale_share(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Share a scale of the coach's own making with their practice, or stop sharing it."""
    scale = get_check_in_scale_for_user(request.user, pk)
    services.check_in_scale_share(scale=scale, by=request.user, shared=scale.shared_at is None)
    if scale.shared_at:
        messages.success(request, f"“{scale.question}” is shared with your practice: its coaches can add it.")
    else:
        messages.success(request, f"“{scale.question}” is yours alone again; engagements that have it keep it.")
    return redirect("check_in_scales", pk=scale.engagement_id)


@login_required
def check_in_answer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The client answers the check-ins before a session (with the reflection)."""
    session = get_session_for_user(request.user, pk)
    engagement = session.engagement
    scales = list(CheckInScale.objects.filter(engagement=engagement, retired_at__isnull=True))
    answers = {a.scale_id: a.value for a in CheckInAnswer.objects.filter(session=session)}
    if request.method != "POST":
        return render(
            request,
            "quality/check_in.html",
            {"session": session, "form": None, "answers": [(s, answers.get(s.pk)) for s in scales]},
        )
    require_client(engagement, request.user)
    form = CheckInForm(request.POST, scales=scales)
    if form.is_valid():
        try:
            services.check_in_answer(session=session, by=request.user, values=form.values())
        except RuleBroken as error:
            messages.error(request, error.message)
            return redirect("reflection_edit", pk=session.pk)
        messages.success(request, "Check-in saved.")
        return redirect("reflection_edit", pk=session.pk)
    return render(request, "quality/check_in.html", {"session": session, "form": form, "answers": []}, status=400)


@login_required
@require_POST
def step_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Turn one strategy of the latest answers into a homework proposal, linked to the self it serves."""
    source = get_homework_for_user(request.user, pk)
    if role_of(source.engagement, request.user) is None:
        raise PermissionDenied
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the strategies below.")
        return redirect(source.get_absolute_url())
    anchors = steps.source_anchors([source]).get(source.pk, [])
    try:
        anchor = anchors[form.cleaned_data["anchor"]]
        strategy = anchor.strategies[form.cleaned_data["strategy"]]
    except IndexError:
        raise Http404("No such strategy.") from None
    step = services.step_propose(
        source=source, by=request.user, self_text=anchor.text, self_kind=anchor.kind, strategy=strategy.text
    )
    messages.success(request, f"“{step.title}” is proposed as homework, for “{anchor.text[:60]}”.")
    return redirect(step.get_absolute_url())
