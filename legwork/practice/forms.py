from __future__ import annotations

from typing import Any

from django import forms

from legwork.accounts.models import User

from .models import Membership, Practice
from .sso import Refused, require_provider_before_sso_only


class CoachInvitationForm(forms.Form):
    email = forms.EmailField(label="Coach's email")
    role = forms.ChoiceField(
        choices=[(Membership.Role.COACH, "Coach"), (Membership.Role.ADMIN, "Admin (also sees this page)")],
        initial=Membership.Role.COACH,
    )
    send_email = forms.BooleanField(required=False, initial=True, label="Email the link to them now")


class PracticeForm(forms.ModelForm[Practice]):
    class Meta:
        model = Practice
        # The identity provider is tied to a practice by the site's staff (the Django admin or the
        # environment), never by a practice's own admin: it decides who joins which practice.
        fields = ["name", "sso_domains", "password_sign_in"]

    def clean_password_sign_in(self) -> bool:
        value = bool(self.cleaned_data.get("password_sign_in"))
        try:
            require_provider_before_sso_only(self.instance, value)
        except Refused as error:
            raise forms.ValidationError(str(error)) from None
        return value


class HandoverForm(forms.Form):
    to_coach = forms.ModelChoiceField(queryset=User.objects.none(), label="Hand over to", empty_label=None)
    note = forms.CharField(
        max_length=500,
        required=False,
        label="A word to the client",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the client with the question. Optional.",
    )

    def __init__(self, *args: Any, coaches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_coach"].queryset = coaches  # type: ignore[attr-defined]
