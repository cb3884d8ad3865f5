from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from legwork.lib.http import AuthedHttpRequest

from .forms import ProfileForm
from .services import describe_device, device_end, devices_end


@login_required
def profile(request: AuthedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved. Times now show in your zone.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def devices(request: AuthedHttpRequest) -> HttpResponse:
    """Every browser or phone signed in as this person (allauth's usersessions), each revocable.

    POST `session` ends that one sign-in (its Django session is deleted, so that device is signed
    out on its next request); POST `others` ends every sign-in but this one. A row not the person's
    own answers 404, as if it did not exist.
    """
    if request.method == "POST":
        if request.POST.get("others"):
            ended = devices_end(user=request.user, keep=request.session.session_key)
            messages.success(request, f"Signed out on {ended} other device{'' if ended == 1 else 's'}.")
        else:
            pk = request.POST.get("session", "")
            session = get_object_or_404(UserSession, pk=int(pk) if pk.isdigit() else 0, user=request.user)
            if session.is_current():
                return redirect("account_logout")
            device_end(session=session)
            messages.success(request, "Signed out on that device.")
        return redirect("devices")
    sessions = [
        {"session": session, "device": describe_device(session.user_agent), "current": session.is_current()}
        for session in UserSession.objects.purge_and_list(request.user)
    ]
    sessions.sort(key=lambda row: (not row["current"], -row["session"].created_at.timestamp()))
    return render(request, "accounts/devices.html", {"sessions": sessions})
