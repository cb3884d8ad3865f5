from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Max, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from legwork.coaching.access import get_session_for_user, require_client, require_coach
from legwork.coaching.models import Engagement, Session
from legwork.lib.http import AuthedHttpRequest, redirect_back

from . import services
from .access import get_homework_for_user
from .forms import (
    WRAP_UP_MAX_ROWS,
    ChangeRequestForm,
    HomeworkForm,
    NextSessionForm,
    ProgressForm,
    ReviewForm,
    wrap_up_formset,
)
from .models import Decision, Homework, ProgressEntry

PROMPTS = [
    "What is one small thing you could do today, in ten minutes?",
    "What did you notice about yourself this week?",
    "Which piece of homework feels heaviest, and why?",
    "Who could help you with the next step?",
    "What would you try if you knew it could not fail?",
]


@login_required
def client_home(request: AuthedHttpRequest) -> HttpResponse:
    """This interval: the homework, days left until the next session, a prompt."""
    today = timezone.localdate()
    engagements = list(
        Engagement.objects.filter(client=request.user)
        .exclude(status=Engagement.Status.ENDED)
        .select_related("coach", "client")
        .prefetch_related(
            Prefetch(
                "homework",
                queryset=Homework.objects.open()
                .select_related("goal")
                .annotate(entries=Count("progress"), last_entry=Max("progress__written_at")),
                to_attr="open_homework",
            ),
            # The reflection rides along: the interval's insight line links to it.
            Prefetch(
                "sessions",
                queryset=Session.objects.scheduled().select_related("reflection").order_by("scheduled_at"),
                to_attr="upcoming",
            ),
        )
    )
    for engagement in engagements:
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
            "progress_form": ProgressForm(),
            "today": today,
        },
    )


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
            "progress": homework.progress.select_related("author"),
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
    if not homework.is_open:
        messages.error(request, "That homework has been reviewed already.")
        return redirect("homework", pk=homework.pk)
    services.homework_confirm(homework=homework, by=request.user)
    if request.htmx:
        return _homework_card(request, homework)
    messages.success(request, f"You're in: “{homework.title}”.")
    return redirect_back(request, "home")


@login_required
def homework_request_change(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    homework = get_homework_for_user(request.user, pk)
    require_client(homework.engagement, request.user)
    if not homework.is_open:
        messages.error(request, "That homework has been reviewed already.")
        return redirect("homework", pk=homework.pk)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.homework_request_change(homework=homework, note=form.cleaned_data["note"], by=request.user)
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
    if not homework.is_open:
        messages.error(request, "That homework has been reviewed already: agree a new one at the wrap-up.")
        return redirect("homework", pk=homework.pk)
    form = HomeworkForm(request.POST or None, instance=homework, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        services.homework_update(homework=homework, draft=form.to_draft(), by=request.user)
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
    if not homework.is_open:
        form.add_error(None, "This homework has been reviewed already: log work on this interval's homework.")
    if form.is_valid():
        entry = services.progress_log(
            homework=homework,
            by=request.user,
            note=form.cleaned_data["note"],
            minutes=form.cleaned_data["minutes"],
            occurred_on=form.cleaned_data["occurred_on"],
        )
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
            "progress": homework.progress.select_related("author"),
            "progress_form": form,
            "change_form": ChangeRequestForm(),
            "chain": homework.carry_over_chain()[1:],
        },
        status=400,
    )


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
    return render(request, "homework/client_home.html#homework-card", context)


@login_required
@require_POST
def homework_review(request: AuthedHttpRequest, pk: int, homework_pk: int) -> HttpResponse:
    """Give one homework its outcome during the session (coach's screen, used live)."""
    from legwork.coaching.views import session_context

    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    homework = get_homework_for_user(request.user, homework_pk)
    if homework.engagement_id != session.engagement_id:
        raise Http404("No such homework in this session.")
    if not homework.is_open:
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
        except services.AlreadyReviewed:
            messages.info(request, f"“{homework.title}” has its outcome already.")
            return redirect(session.get_absolute_url() + "#review")
        if carried is not None and homework.decision == Decision.CHANGE:
            messages.info(request, "Now change it together: edit the words and the plan.")
            return redirect("homework_edit", pk=carried.pk)
        messages.success(request, f"“{homework.title}”: {homework.get_outcome_display().lower()}.")
        return redirect(session.get_absolute_url() + "#review")
    context = session_context(request, session)
    rows = [(item, form if item.pk == homework.pk else review_form) for item, review_form in context["to_review"]]
    if not any(item.pk == homework.pk for item, _ in rows):
        homework.entries = homework.progress.count()  # type: ignore[attr-defined]
        rows.insert(0, (homework, form))
    context["to_review"] = rows
    return render(request, "coaching/session_detail.html", context, status=400)


@login_required
@require_POST
def session_wrap_up(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Add the interval's homework and set the next session, in one go."""
    from legwork.coaching.views import session_context

    session = get_session_for_user(request.user, pk)
    require_coach(session.engagement, request.user)
    if "add_row" in request.POST:
        return _wrap_up_with_another_row(request, session)
    formset = wrap_up_formset(session.engagement, request.POST)
    next_form = NextSessionForm(request.POST)
    if formset.is_valid() and next_form.is_valid():
        # A double click or a resent form arrives twice with the same once-only key: save it once.
        once_key = f"wrap-up:{session.pk}:{request.POST.get('once', '')[:64]}"
        if request.POST.get("once") and not cache.add(once_key, True, timeout=6 * 60 * 60):
            messages.info(request, "That wrap-up was saved already.")
            return redirect(session.get_absolute_url() + "#agreed-h")
        drafts = [form.to_draft() for form in formset if form.has_changed() and form.cleaned_data.get("title")]
        try:
            next_session, created = services.session_wrap_up(
                session=session,
                drafts=drafts,
                next_session_at=next_form.cleaned_data["next_session_at"],
                by=request.user,
            )
        except Exception:
            cache.delete(once_key)  # nothing was saved: the same form may be sent again
            raise
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
    return render(request, "coaching/session_detail.html", context, status=400)


def _wrap_up_with_another_row(request: AuthedHttpRequest, session: Session) -> HttpResponse:
    """The "Add another row" button: the same rows, as typed, and one more (a plain submit, so no JS needed)."""
    from legwork.coaching.views import session_context

    data = request.POST.copy()
    try:
        rows = int(data.get("homework-TOTAL_FORMS", ""))
    except ValueError:
        rows = 0
    data["homework-TOTAL_FORMS"] = str(max(0, min(rows + 1, WRAP_UP_MAX_ROWS)))
    context = session_context(request, session)
    context.update(formset=wrap_up_formset(session.engagement, data), next_form=NextSessionForm(data), focus_last=True)
    template = "coaching/session_detail.html#wrap-up" if request.htmx else "coaching/session_detail.html"
    return render(request, template, context)
