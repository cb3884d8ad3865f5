from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from legwork.accounts.services import password_confirm
from legwork.lib.http import AuthedHttpRequest

from . import services


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password", max_length=128)
    confirm = forms.CharField(label="Type DELETE to confirm", max_length=20)

    def __init__(self, *args: Any, request: AuthedHttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not password_confirm(request=self.request, user=self.request.user, password=password):
            raise forms.ValidationError("That isn't your password.")
        return password

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        if value.strip() != "DELETE":
            raise forms.ValidationError("Type DELETE in capitals to confirm.")
        return value


def _data(request: AuthedHttpRequest) -> tuple[dict[str, Any], str]:
    if request.user.is_coach:
        return services.coach_export(coach=request.user), "practice"
    return services.client_export(client=request.user), "my-coaching"


@login_required
def export_page(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "exports/export.html", {"delete_form": DeleteAccountForm(request=request)})


@login_required
def export_json(request: AuthedHttpRequest) -> HttpResponse:
    data, name = _data(request)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="legwork-{name}-{timezone.localdate():%Y-%m-%d}.json"'
    return response


@login_required
def export_archive(request: AuthedHttpRequest) -> HttpResponse:
    data, name = _data(request)
    title = "Your practice" if request.user.is_coach else "Your coaching"
    response = HttpResponse(services.export_archive(data=data, title=title), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="legwork-{name}-{timezone.localdate():%Y-%m-%d}.zip"'
    return response


@login_required
@require_POST
def account_delete(request: AuthedHttpRequest) -> HttpResponse:
    if request.user.is_coach:
        messages.error(request, "A coach's account holds their clients' engagements: write to your administrator.")
        return redirect("export")
    form = DeleteAccountForm(request.POST, request=request)
    if not form.is_valid():
        return render(request, "exports/export.html", {"delete_form": form}, status=400)
    user = request.user
    logout(request)
    services.client_account_delete(client=user)
    messages.success(request, "Your account and everything in it are deleted.")
    return redirect("home")
