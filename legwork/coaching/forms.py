from __future__ import annotations

from typing import Any

from django import forms

from legwork.accounts.forms import TimezoneField, guess_timezone_in_browser
from legwork.lib.dates import WindowedDateTimeField

from .models import AgendaItem, Engagement, Goal, Session


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


LOCAL_DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class InvitationForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label="Client's name")
    email = forms.EmailField(label="Client's email")
    send_email = forms.BooleanField(required=False, initial=True, label="Email the link to them now")


class JoinForm(forms.Form):
    """A new client's account, made from an invitation."""

    name = forms.CharField(max_length=100, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"}))
    timezone = TimezoneField(label="Your time zone")
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        min_length=8,
        max_length=128,
    )
    password2 = forms.CharField(
        label="The password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), max_length=128
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        guess_timezone_in_browser(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password1")
        if password and password != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif password:
            from django.contrib.auth.password_validation import validate_password

            from legwork.accounts.models import User

            try:
                validate_password(password, User(email=self.email, name=data.get("name", "")))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class GoalForm(forms.ModelForm[Goal]):
    class Meta:
        model = Goal
        fields = ["title", "description"]


class SessionForm(forms.ModelForm[Session]):
    scheduled_at = WindowedDateTimeField(
        plan=True,
        label="When",
        widget=DateTimeLocalInput(),
        input_formats=LOCAL_DATETIME_FORMATS,
        help_text="In your time zone; your client sees it in theirs.",
    )

    class Meta:
        model = Session
        fields = ["scheduled_at", "duration_minutes", "meeting_url"]
        labels = {"duration_minutes": "Length (minutes)", "meeting_url": "Meeting link (optional)"}

    def clean_duration_minutes(self) -> int:
        minutes: int = self.cleaned_data["duration_minutes"]
        if not 5 <= minutes <= 480:
            raise forms.ValidationError("A session lasts between 5 and 480 minutes.")
        return minutes


class SessionNotesForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields = ["agenda", "shared_notes"]
        labels = {"shared_notes": "Shared notes (the client sees these)"}
        widgets = {"agenda": forms.Textarea(attrs={"rows": 3}), "shared_notes": forms.Textarea(attrs={"rows": 5})}


class SharedNotesForm(forms.ModelForm[Session]):
    """The session page's shared notes. The page has one agenda, its points (AgendaItem); the older
    free-text `agenda` stays readable there and writable through the API (SessionNotesForm)."""

    class Meta:
        model = Session
        fields = ["shared_notes"]
        labels = {"shared_notes": "Shared notes (the client sees these)"}
        widgets = {"shared_notes": forms.Textarea(attrs={"rows": 5})}


class PrivateNotesForm(forms.ModelForm[Session]):
    class Meta:
        model = Session
        fields = ["private_notes"]
        labels = {"private_notes": "Private notes (only you see these)"}
        widgets = {"private_notes": forms.Textarea(attrs={"rows": 5})}


class SessionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Session.Status.choices)


class EngagementStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Engagement.Status.choices)


class AgendaItemForm(forms.ModelForm[AgendaItem]):
    class Meta:
        model = AgendaItem
        fields = ["text"]
        labels = {"text": "Add a point for the agenda"}
