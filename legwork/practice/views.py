"""The practice's pages: the admin's roster and settings, coach invitations, handovers (admin and client)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from legwork.accounts.models import User
from legwork.coaching.models import Engagement
from legwork.lib.rules import RuleBroken

from . import services
from .access import (
    admin_membership,
    get_coach_invitation_for_admin,
    get_engagement_for_admin,
    get_handover_for_admin,
    get_handover_for_client,
    get_member_for_admin,
)
from .forms import CoachInvitationForm, HandoverForm, PracticeForm
from .models import CoachInvitation, Handover, Membership
from .roster import follow_through, roster

if TYPE_CHECKING:
    from legwork.lib.http import AuthedHttpRequest

NEW_LINK_KEY = "practice_new_coach_link"


@login_required
def practice(request: AuthedHttpRequest) -> HttpResponse:
    """The admin's page: coaches with caseload size and activity, the practice's follow-through, invitations."""
    if not request.user.is_coach:
        return redirect("home")
    membership = services.practice_of(request.user)
    if not membership.is_admin:
        admins = Membership.objects.admins().active().filter(practice_id=membership.practice_id).select_related("user")
        return render(request, "practice/member.html", {"membership": membership, "admins": admins})
    form = CoachInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = services.coach_invite(
                practice=membership.practice,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
                send_email=False,
            )
        except RuleBroken as broken:
            form.add_error(broken.field, broken.message)
        else:
            request.session[NEW_LINK_KEY] = services.coach_invitation_url(token)
            if form.cleaned_data["send_email"] and services.coach_invitation_send(invitation=invitation, token=token):
                messages.success(request, f"Invitation sent to {invitation.email}.")
            else:
                messages.success(request, f"Invitation made for {invitation.email}: copy the link below.")
            return redirect("practice")
    practice = membership.practice
    return render(
        request,
        "practice/practice.html",
        {
            "membership": membership,
            "practice": practice,
            "coaches": list(roster(practice)),
            "follow_through": follow_through(practice),
            "form": form,
            "new_link": request.session.pop(NEW_LINK_KEY, None) if request.method == "GET" else None,
            "invitations": CoachInvitation.objects.filter(practice=practice, accepted_at__isnull=True)[:50],
            "handovers": Handover.objects.filter(engagement__coach__membership__practice=practice)
            .select_related("engagement__client", "from_coach", "to_coach")
            .order_by("-created_at")[:20],
        },
        status=400 if form.errors else 200,
    )


@login_required
def practice_settings(request: AuthedHttpRequest) -> HttpResponse:
    membership = admin_membership(request.user)
    form = PracticeForm(request.POST or None, instance=membership.practice)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("practice")
    return render(request, "practice/settings.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def member_detail(request: AuthedHttpRequest, member_pk: int) -> HttpResponse:
    """One coach: their clients by name and since when (for a handover), never what is in an engagement."""
    member = get_member_for_admin(request.user, member_pk)
    engagements = (
        Engagement.objects.current()
        .filter(coach_id=member.user_id)
        .select_related("client")
        .order_by("client__name", "client__email")
    )
    return render(request, "practice/member_detail.html", {"member": member, "engagements": engagements})


@login_required
@require_POST
def member_deactivate(request: AuthedHttpRequest, member_pk: int) -> HttpResponse:
    member = get_member_for_admin(request.user, member_pk)
    try:
        services.membership_deactivate(membership=member, by=request.user)
    except RuleBroken as broken:
        messages.error(request, broken.message)
    else:
        messages.success(request, f"{member.user} can no longer sign in.")
    return redirect("practice_member", member.pk)


@login_required
@require_POST
def member_reactivate(request: AuthedHttpRequest, member_pk: int) -> HttpResponse:
    member = get_member_for_admin(request.user, member_pk)
    services.membership_reactivate(membership=member)
    messages.success(request, f"{member.user} can sign in again.")
    return redirect("practice_member", member.pk)


@login_required
@require_POST
def coach_invitation_revoke(request: AuthedHttpRequest, coach_invitation_pk: int) -> HttpResponse:
    invitation = get_coach_invitation_for_admin(request.user, coach_invitation_pk)
    services.coach_invitation_revoke(invitation=invitation)
    messages.success(request, f"The invitation for {invitation.email} no longer works.")
    return redirect("practice")


def practice_join(request: HttpRequest, token: str) -> HttpResponse:
    """A coach's invitation link: signed out, sign in or sign up with the invited address and come back."""
    invitation = services.coach_invitation_for_token(token)
    if invitation is None or invitation.state != "pending":
        return render(request, "practice/join.html", {"invitation": None}, status=404)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            services.coach_join(invitation=invitation, user=request.user)
        except RuleBroken as broken:
            messages.error(request, broken.message)
        else:
            messages.success(request, f"Welcome to {invitation.practice}.")
            return redirect("home")
    here = reverse("practice_join", args=[token])
    return render(request, "practice/join.html", {"invitation": invitation, "next": here})


@login_required
def handover_new(request: AuthedHttpRequest, handover_engagement_pk: int) -> HttpResponse:
    """An admin proposes moving one client's engagement to another coach of the practice."""
    engagement = get_engagement_for_admin(request.user, handover_engagement_pk)
    coaches = (
        User.objects.filter(
            membership__practice__memberships__user_id=engagement.coach_id, membership__deactivated_at__isnull=True
        )
        .exclude(pk=engagement.coach_id)
        .order_by("name", "email")
    )
    form = HandoverForm(request.POST or None, coaches=coaches)
    if request.method == "POST" and form.is_valid():
        try:
            services.handover_propose(
                engagement=engagement,
                to_coach=form.cleaned_data["to_coach"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except RuleBroken as broken:
            form.add_error(broken.field if broken.field in form.fields else None, broken.message)
        else:
            messages.success(request, f"{engagement.client} has been asked; the move happens when they agree.")
            return redirect("practice")
    return render(
        request,
        "practice/handover_form.html",
        {"engagement": engagement, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def handover(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The client's page for a proposed handover: what moves, what does not, yes or no."""
    item = get_handover_for_client(request.user, pk)
    if request.method == "POST":
        try:
            services.handover_answer(handover=item, accept=request.POST.get("answer") == "yes", by=request.user)
        except RuleBroken as broken:
            messages.error(request, broken.message)
        else:
            item.refresh_from_db()
            if item.status == Handover.Status.ACCEPTED:
                messages.success(request, f"{item.to_coach} is your coach from now on.")
            else:
                messages.success(request, f"You stay with {item.from_coach}.")
        return redirect("handover", item.pk)
    return render(request, "practice/handover.html", {"handover": item})


@login_required
@require_POST
def handover_withdraw(request: AuthedHttpRequest, handover_pk: int) -> HttpResponse:
    item = get_handover_for_admin(request.user, handover_pk)
    try:
        services.handover_withdraw(handover=item)
    except RuleBroken as broken:
        messages.error(request, broken.message)
    return redirect("practice")
