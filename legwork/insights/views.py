from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from legwork.coaching.access import get_engagement_for_user, get_session_for_user, require_coach, require_is_coach
from legwork.coaching.models import Engagement
from legwork.lib.http import AuthedHttpRequest

from . import pages, services
from .forms import ChartsForm, OverviewFilterForm, ReflectionForm
from .history import interval_before
from .models import Reflection, charts_on_for, reflection_is_editable, set_charts


@login_required
def reflection_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The client writes their reflection before a session; the coach reads it here too."""
    session = get_session_for_user(request.user, pk)
    engagement = session.engagement
    reflection = Reflection.objects.filter(session=session).first()
    is_client = engagement.is_client(request.user)
    editable = is_client and reflection_is_editable(session)
    form = ReflectionForm(instance=reflection) if editable else None
    status = 200
    if request.method == "POST":
        if not is_client:
            raise PermissionDenied("Only the client writes the reflection.")
        form = ReflectionForm(request.POST, instance=reflection)
        if form.is_valid():
            try:
                services.reflection_save(session=session, by=request.user, data=form.cleaned_data)
            except services.ReflectionClosed:
                messages.error(request, "The session has started or was cancelled: your reflection can't change now.")
                return redirect("reflection_edit", pk=session.pk)
            messages.success(request, "Reflection saved. Your coach will read it before the session.")
            return redirect("reflection_edit", pk=session.pk)
        status = 400
    interval = interval_before(session)
    return render(
        request,
        "insights/reflection.html",
        {
            "session": session,
            "engagement": engagement,
            "reflection": reflection,
            "form": form,
            "editable": editable,
            "is_client": is_client,
            "rows": pages.homework_rows(interval),
        },
        status=status,
    )


@login_required
def brief(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The one-page pre-session summary, for the coach alone."""
    session = get_session_for_user(request.user, pk, with_previous_start=True, related=("reflection",))
    require_coach(session.engagement, request.user)
    return render(request, "insights/brief.html", pages.brief_context(session))


@login_required
def coach_overview(request: AuthedHttpRequest) -> HttpResponse:
    """All of a coach's clients at once, sorted by next session, with filters that work without script."""
    require_is_coach(request.user)
    filters = OverviewFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = pages.overview_rows(request.user)
    everyone = len(rows)
    if chosen.get("stuck"):
        rows = [row for row in rows if row.stuck]
    if chosen.get("silent"):
        rows = [row for row in rows if row.silent]
    if chosen.get("explore"):
        rows = [row for row in rows if row.to_explore]
    return render(
        request,
        "insights/coach_overview.html",
        {"rows": rows, "filters": filters, "everyone": everyone, "filtered": any(chosen.values())},
    )


@login_required
def my_insights(request: AuthedHttpRequest) -> HttpResponse:
    """The client's own insights, framed kindly; never compared with anyone else."""
    engagements = (
        Engagement.objects.filter(client=request.user)
        .current()
        .select_related("coach", "client", "insight_settings")
        .order_by("created_at")
    )
    return render(
        request,
        "insights/my_insights.html",
        {"items": [(pages.engagement_insights(engagement), charts_on_for(engagement)) for engagement in engagements]},
    )


@login_required
@require_POST
def engagement_charts(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The coach turns the charts on the client's insights page on or off."""
    engagement = get_engagement_for_user(request.user, pk)
    require_coach(engagement, request.user)
    form = ChartsForm(request.POST)
    form.is_valid()
    on = bool(form.cleaned_data.get("charts_on"))
    set_charts(engagement, on=on)
    messages.success(request, f"Charts are {'on' if on else 'off'} on {engagement.client}'s insights page.")
    return redirect("engagement", pk=engagement.pk)
