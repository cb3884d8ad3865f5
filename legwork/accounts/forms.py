from __future__ import annotations

from typing import Any

from django import forms

from .models import User, timezone_names


class TimezoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=[(name, name) for name in timezone_names()], **kwargs)


def guess_timezone_in_browser(form: forms.Form, field: str = "timezone") -> None:
    """On a fresh form, let a line of script in base.html preselect the browser's own zone."""
    if not form.is_bound:
        form.fields[field].widget.attrs["data-guess-timezone"] = ""


class CoachSignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    name = forms.CharField(max_length=100, label="Your name")
    timezone = TimezoneField(label="Your time zone", initial="Europe/London")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guess_timezone_in_browser(self)

    def signup(self, request: Any, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.timezone = self.cleaned_data["timezone"]
        user.save(update_fields=["name", "timezone"])


class ProfileForm(forms.ModelForm[User]):
    timezone = TimezoneField(label="Time zone")

    class Meta:
        model = User
        fields = ["name", "timezone"]
