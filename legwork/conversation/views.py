"""The thread of one homework, and the coach's acknowledgements: parse, call the service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from legwork.coaching.access import require_coach
from legwork.homework.models import Homework
from legwork.lib.http import AuthedHttpRequest
from legwork.lib.rules import RuleBroken

from . import services
from .access import get_homework_for_user, get_progress_entry_for_user, get_reflection_for_user
from .forms import AcknowledgeForm, KeepForm, MessageForm
from .models import WORD_MAX
from .panels import thread_context


def _thread_url(homework: Homework) -> str:
    return homework.get_absolute_url() + "#thread"


@login_required
def thread(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The thread on its own page (the homework page shows it too); writing in it posts here."""
    homework = get_homework_for_user(request.user, pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_post(homework=homework, by=request.user, body=form.cleaned_data["body"])
        except RuleBroken as error:
            form.add_error("body" if error.field == "body" else None, error.message)
        else:
            return redirect(_thread_url(homework))
    context = {"homework": homework, **thread_context(request.user, homework), "message_form": form}
    return render(request, "conversation/thread.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def change_keep(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    homework = get_homework_for_user(request.user, pk)
    require_coach(homework.engagement, request.user)
    form = KeepForm(request.POST)
    if form.is_valid():
        try:
            services.change_keep(homework=homework, by=request.user, body=form.cleaned_data["body"])
        except RuleBroken as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Kept as it was: it is back with your client for “I'm in”.")
        return redirect(_thread_url(homework))
    context = {"homework": homework, **thread_context(request.user, homework), "keep_form": form}
    return render(request, "conversation/thread.html", context, status=400)


@login_required
@require_POST
def acknowledge_progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_progress_entry_for_user(request.user, pk)
    require_coach(entry.homework.engagement, request.user)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge(by=request.user, entry=entry, word=form.cleaned_data["word"])
        except RuleBroken as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Marked as seen.")
    else:
        messages.error(request, f"A word is at most {WORD_MAX} characters.")
    return redirect(_thread_url(entry.homework))


@login_required
@require_POST
def acknowledge_reflection(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    reflection = get_reflection_for_user(request.user, pk)
    require_coach(reflection.session.engagement, request.user)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.acknowledge(by=request.user, reflection=reflection, word=form.cleaned_data["word"])
        except RuleBroken as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Reflection marked as read.")
    else:
        messages.error(request, f"A word is at most {WORD_MAX} characters.")
    return redirect("session", pk=reflection.session_id)
