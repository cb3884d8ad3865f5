from __future__ import annotations

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from legwork.lib.http import AuthedHttpRequest

from . import services
from .access import (
    get_engagement_for_user,
    get_invitation_for_coach,
    require_coach,
    require_is_coach,
)
from .forms import (
    EngagementStatusForm,
    GoalForm,
    InvitationForm,
    JoinForm,
    SessionForm,
)
from .models import Invitation

NEW_LINK_KEY = "new_invitation_link"


@login_required
def invitations(request: AuthedHttpRequest) -> HttpResponse:
    require_is_coach(request.user)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation, token = services.invitation_create(
            coach=request.user, email=form.cleaned_data["email"], name=form.cleaned_data["name"], send_email=False
        )
        # Shown once, on the page we go to next: only a hash of the token is kept.
        request.session[NEW_LINK_KEY] = services.invitation_url(token)
        if form.cleaned_data["send_email"]:
            # Anyone may sign up as a coach: without a cap, invitations would mail any address at will.
            if not ratelimit.consume(request, action="invitation_send", user=request.user):
                messages.error(
                    request, "You've sent a lot of invitations today, so this one wasn't emailed: copy the link below."
                )
            elif services.invitation_send(invitation=invitation, token=token):
                messages.success(request, f"Invitation sent to {invitation.email}.")
            else:
                messages.error(request, "The email could not be sent just now: copy the link below and send it.")
        else:
            messages.success(request, f"Invitation made for {invitation.email}: copy the link below.")
        return redirect("invitations")
    return render(
        request,
        "coaching/invitations.html",
        {
            "form": form,
            "new_link": request.session.pop(NEW_LINK_KEY, None) if request.method == "GET" else None,
            "invitations": Invitation.objects.filter(coach=request.user).select_related("engagement__client")[:50],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def invitation_renew(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_is_coach(request.user)
    invitation = get_invitation_for_coach(request.user, pk)
    if invitation.accepted_at:
        messages.error(request, "That invitation was already used.")
        return redirect("invitations")
    token = services.invitation_renew(invitation=invitation)
    request.session[NEW_LINK_KEY] = services.invitation_url(token)
    messages.success(request, f"A new link for {invitation.email} is ready; the old one no longer works.")
    return redirect("invitations")


@login_required
@require_POST
def invitation_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_is_coach(request.user)
    invitation = get_invitation_for_coach(request.user, pk)
    if not invitation.accepted_at:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        messages.success(request, f"The invitation for {invitation.email} no longer works.")
    return redirect("invitations")


def join(request: HttpRequest, token: str) -> HttpResponse:
    """A person follows an invitation link.

    Signed in as the invited address, they accept. Signed out, the page is the same
    whether or not the address has an account (the coach holds this link too, so it
    must not tell them): it emails the set-up link to the invited address, and only
    there is an account made or a sign-in asked for.
    """
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationError as error:
        return render(request, "coaching/join_invalid.html", {"error": str(error)}, status=410)

    if request.user.is_authenticated:
        if invitation.coach_id == request.user.pk:
            own = "This is your own invitation: send the link to your client."
            return render(request, "coaching/join_invalid.html", {"error": own}, status=400)
        if not services.invitation_is_for(invitation, request.user):
            return render(request, "coaching/join_other_address.html", {"invitation": invitation}, status=403)
        if request.method == "POST":
            try:
                engagement = services.invitation_accept(token=token, client=request.user)
            except services.InvitationError as error:
                return render(request, "coaching/join_invalid.html", {"error": str(error)}, status=410)
            messages.success(request, f"You're now working with {engagement.coach}.")
            return redirect("home")
        return render(request, "coaching/join_existing.html", {"invitation": invitation})

    if request.method == "POST":
        if not ratelimit.consume(request, action="invitation_resend", key=f"invitation:{invitation.pk}"):
            limited: HttpResponse = ratelimit.respond_429(request)
            return limited
        if not services.invitation_send(invitation=invitation, token=token):
            unsent = "The email could not be sent just now. Try again in a few minutes."
            return render(request, "coaching/join.html", {"invitation": invitation, "error": unsent}, status=503)
        return render(request, "coaching/join_sent.html", {"invitation": invitation})
    return render(request, "coaching/join.html", {"invitation": invitation})


def join_setup(request: HttpRequest, token: str, signature: str) -> HttpResponse:
    """The link only the invited address received: make the client's account here."""
    try:
        invitation = services.invitation_for_setup(token, signature)
    except services.InvitationError as error:
        return render(request, "coaching/join_invalid.html", {"error": str(error)}, status=410)
    if request.user.is_authenticated:
        return redirect("join", token)
    # Whoever holds this link reads the invited address's mail, so here we may say it has an account.
    existing = services.invitation_address_taken(invitation)
    form = JoinForm(
        request.POST or None, email=invitation.email, initial={"name": invitation.name, "timezone": "Europe/London"}
    )
    if request.method == "POST" and not existing and form.is_valid():
        try:
            engagement = services.invitation_join(
                token=token,
                signature=signature,
                name=form.cleaned_data["name"],
                timezone_name=form.cleaned_data["timezone"],
                password=form.cleaned_data["password1"],
            )
        except IntegrityError:
            # Two tabs joined at once: the other one made the account and used the link.
            used = "This invitation has already been used. Sign in to reach your coaching."
            return render(request, "coaching/join_invalid.html", {"error": used}, status=410)
        except services.InvitationError as error:
            return render(request, "coaching/join_invalid.html", {"error": str(error)}, status=410)
        login(request, engagement.client, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Welcome to Legwork. You're working with {engagement.coach}.")
        return redirect("home")
    return render(
        request,
        "coaching/join_setup.html",
        {"invitation": invitation, "form": form, "existing": existing, "join_path": reverse("join", args=[token])},
        status=400 if form.errors else 200,
    )


@login_required
def engagement_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for_user(request.user, pk)
    is_coach = engagement.is_coach(request.user)
    # Lists, not QuerySets: every query runs here, none from the template.
    sessions = list(engagement.sessions.order_by("-scheduled_at"))
    return render(
        request,
        "coaching/engagement_detail.html",
        {
            "engagement": engagement,
            "is_coach": is_coach,
            "goals": list(engagement.goals.all()),
            "sessions": sessions,
            "next_session": engagement.next_session(),
            "agenda_items": list(engagement.agenda_items.open()),
            "goal_form": GoalForm(),
            "session_form": SessionForm(initial={"duration_minutes": 60}),
            "status_form": EngagementStatusForm(initial={"status": engagement.status}),
        },
    )


@login_required
@require_POST
def engagement_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for_user(request.user, pk)
    require_coach(engagement, request.user)
    form = EngagementStatusForm(request.POST)
    if form.is_valid():
        engagement.set_status(form.cleaned_data["status"])
        messages.success(request, f"The engagement is now {engagement.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose active, paused or ended.")
    return redirect("engagement", pk=engagement.pk)


@login_required
def goal_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for_user(request.user, pk)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        goal = form.save(commit=False)
        goal.engagement = engagement
        goal.save()
        messages.success(request, "Goal added.")
        return redirect("engagement", pk=engagement.pk)
    return render(
        request, "coaching/goal_form.html", {"engagement": engagement, "form": form}, status=400 if form.errors else 200
    )


@login_required
def session_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    engagement = get_engagement_for_user(request.user, pk)
    require_coach(engagement, request.user)
    form = SessionForm(request.POST or None, initial={"duration_minutes": 60})
    if request.method == "POST" and form.is_valid():
        session = services.session_schedule(
            engagement=engagement,
            scheduled_at=form.cleaned_data["scheduled_at"],
            duration_minutes=form.cleaned_data["duration_minutes"],
            meeting_url=form.cleaned_data["meeting_url"],
            by=request.user,
        )
        messages.success(request, "Session scheduled.")
        return redirect("session", pk=session.pk)
    return render(
        request,
        "coaching/session_form.html",
        {"engagement": engagement, "form": form},
        status=400 if form.errors else 200,
    )
