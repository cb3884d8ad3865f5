from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from legwork.accounts.models import User
from legwork.accounts.services import password_confirm
from legwork.lib.http import AuthedHttpRequest

from . import services


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password", max_length=128)
    confirm = forms.CharField(label="Type DELETE to confirm", max_length=20)

    def __init__(self, *args: object, request: AuthedHttpRequest, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
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


PARTS = {"practice": "Your practice", "coaching": "Your coaching"}


def _parts(user: User) -> list[str]:
    """The exports this person may take: the practice if they coach, their own coaching if they are coached."""
    parts = ["practice"] if user.is_coach else []
    if services.is_client(user):
        parts.append("coaching")
    return parts


def _data(request: AuthedHttpRequest) -> tuple[dict[str, Any], str]:
    parts = _parts(request.user)
    part = request.GET.get("part") or parts[0]
    if part not in parts:
        raise Http404("No such export for you.")
    if part == "practice":
        return services.coach_export(coach=request.user), part
    return services.client_export(client=request.user), part


def _page(request: AuthedHttpRequest, form: DeleteAccountForm, status: int = 200) -> HttpResponse:
    parts = _parts(request.user)
    context = {
        "parts": [(part, PARTS[part]) for part in parts],
        "both_roles": len(parts) == 2,
        "delete_form": form,
        "can_delete": "coaching" in parts,
    }
    return render(request, "exports/export.html", context, status=status)


@login_required
def export_page(request: AuthedHttpRequest) -> HttpResponse:
    return _page(request, DeleteAccountForm(request=request))


@login_required
def export_json(request: AuthedHttpRequest) -> HttpResponse:
    data, part = _data(request)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_filename(part)}.json"'
    return response


@login_required
def export_archive(request: AuthedHttpRequest) -> HttpResponse:
    data, part = _data(request)
    response = HttpResponse(services.export_archive(data=data, title=PARTS[part]), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{_filename(part)}.zip"'
    return response


def _filename(part: str) -> str:
    return f"legwork-{'practice' if part == 'practice' else 'my-coaching'}-{timezone.localdate():%Y-%m-%d}"


@login_required
@require_POST
def account_delete(request: AuthedHttpRequest) -> HttpResponse:
    if not services.is_client(request.user):
        messages.error(request, "A coach's account holds their clients' engagements: write to your administrator.")
        return redirect("export")
    form = DeleteAccountForm(request.POST, request=request)
    if not form.is_valid():
        return _page(request, form, status=400)
    user = request.user
    if user.is_coach:
        services.client_account_delete(client=user)
        messages.success(request, "Your own coaching is deleted. Your account and your practice are as they were.")
        return redirect("export")
    logout(request)
    services.client_account_delete(client=user)
    messages.success(request, "Your account and everything in it are deleted.")
    return redirect("home")
