from __future__ import annotations

import json
from typing import Any

from django import forms

from .models import Theme, User
from .zones import browser_aliases, canonical_timezone, timezone_choices


class TimezoneField(forms.ChoiceField):
    """The one time zone picker (accounts/zones.py): grouped by region, each zone with its offset now.
    An old alias ("Asia/Calcutta") is taken, and shown, as the zone it stands for."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=timezone_choices, **kwargs)

    def to_python(self, value: Any) -> str:
        name = super().to_python(value)
        return canonical_timezone(name) or name

    def prepare_value(self, value: Any) -> Any:
        return canonical_timezone(value) or value if isinstance(value, str) else value


def guess_timezone_in_browser(form: forms.Form, field: str = "timezone") -> None:
    """On a fresh form, let a line of script in base.html preselect the browser's own zone (which may
    be an old alias: the map says which zone of the list it stands for)."""
    if not form.is_bound:
        form.fields[field].widget.attrs["data-guess-timezone"] = json.dumps(browser_aliases(), separators=(",", ":"))


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
    # Not required: a form sent without it (an older page, a script) keeps the person's choice.
    theme = forms.ChoiceField(label="Colour scheme", choices=Theme.choices, widget=forms.RadioSelect, required=False)

    class Meta:
        model = User
        fields = ["name", "timezone", "theme"]

    def clean_theme(self) -> str:
        return self.cleaned_data["theme"] or self.instance.theme
