"""The page where a person makes and revokes their personal API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from legwork.lib.http import AuthedHttpRequest

from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What is this token for?", help_text="e.g. my shortcuts app")


@login_required
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = ApiToken.issue(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {"form": form, "new_token": new_token, "tokens": ApiToken.objects.filter(user=request.user).live()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    api_token = ApiToken.objects.filter(user=request.user, pk=pk).live().first()
    if api_token is None:
        raise Http404("No such token.")
    api_token.revoke()
    messages.success(request, f"“{api_token.name}” no longer works.")
    return redirect("api_tokens")
