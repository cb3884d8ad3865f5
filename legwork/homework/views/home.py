"""The two home pages: the coach's practice and the client's interval."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from legwork.coaching.access import require_is_coach
from legwork.coaching.models import Engagement, Invitation, Session
from legwork.lib.first_steps import checklist, put_away
from legwork.lib.http import AuthedHttpRequest

from ..caseload import caseload
from ..models import Homework

PROMPTS = [
    "What is one small thing you could do today, in ten minutes?",
    "What did you notice about yourself this week?",
    "Which piece of homework feels heaviest, and why?",
    "Who could help you with the next step?",
    "What would you try if you knew it could not fail?",
]


@login_required
def coach_home(request: AuthedHttpRequest) -> HttpResponse:
    require_is_coach(request.user)
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    # Every query runs here, none from the template (lists, not lazy QuerySets).
    todays_sessions = list(
        Session.objects.filter(
            engagement__coach=request.user,
            scheduled_at__gte=start,
            scheduled_at__lt=start + dt.timedelta(days=1),
        )
        .exclude(status=Session.Status.CANCELLED)
        .select_related("engagement__client")
        .order_by("scheduled_at")
    )
    clients = list(caseload(request.user))
    # A new coach's checklist (each app declares its steps), one query; gone for good once every step is done.
    steps = checklist(request.user)
    return render(
        request,
        "homework/coach_home.html",
        {
            "first_steps": steps,
            "first_steps_done": sum(step.done for step in steps),
            "todays_sessions": todays_sessions,
            "clients": clients,
            "pending_invitations": list(Invitation.objects.filter(coach=request.user).pending()[:5]),
            "now": timezone.now(),
            # A coach can be someone's client too: their own interval is one link away.
            "is_also_client": Engagement.objects.filter(client=request.user).current().exists(),
        },
    )


@login_required
@require_POST
def first_steps_put_away(request: AuthedHttpRequest) -> HttpResponse:
    """A coach who knows their way puts the first-run list away before every step is done."""
    require_is_coach(request.user)
    put_away(request.user)
    return redirect("coach_home")


@login_required
def client_home(request: AuthedHttpRequest) -> HttpResponse:
    """This interval: the homework, days left until the next session, a prompt."""
    today = timezone.localdate()
    engagements = list(
        Engagement.objects.filter(client=request.user)
        .current()
        # Where each interval began, in the same query: the notebook's thinking-time count starts there.
        .with_interval_start()
        .select_related("coach")
        # A client with two coaches sees them in the same order on every visit: the longest-standing first.
        .order_by("created_at", "pk")
        .prefetch_related(
            Prefetch(
                "homework",
                queryset=Homework.objects.open().select_related("goal").with_progress_summary(),
                to_attr="open_homework",
            ),
            # The reflection rides along: the interval's insight line links to it.
            Prefetch(
                "sessions",
                # With where its interval began: the insight line needs no query for the session before.
                queryset=Session.objects.scheduled()
                .select_related("reflection")
                .with_previous_start()
                .order_by("scheduled_at"),
                to_attr="upcoming",
            ),
        )
    )
    for engagement in engagements:
        engagement.client = request.user  # the person asking: no join to read them again
        engagement.next = engagement.upcoming[0] if engagement.upcoming else None  # type: ignore[attr-defined]
        if engagement.next:  # type: ignore[attr-defined]
            engagement.days_left = (  # type: ignore[attr-defined]
                timezone.localtime(engagement.next.scheduled_at).date() - today  # type: ignore[attr-defined]
            ).days
    return render(
        request,
        "homework/client_home.html",
        {
            "engagements": engagements,
            "prompt": PROMPTS[today.toordinal() % len(PROMPTS)],
            "today": today,
        },
    )
