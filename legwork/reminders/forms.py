from __future__ import annotations

from typing import Any

from django import forms

from .models import CalendarFeed, Preferences

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
CLIENT_FIELDS = ["homework_waiting", "midpoint", "before_session", "thinking_time"]
COACH_FIELDS = ["coach_day", "homework_answered"]


class PreferencesForm(forms.ModelForm[Preferences]):
    hour = forms.TypedChoiceField(label="Hour for reminders", choices=HOURS, coerce=int)
    quiet_from = forms.TypedChoiceField(label="Quiet hours from", choices=HOURS, coerce=int)
    quiet_until = forms.TypedChoiceField(label="Quiet hours until", choices=HOURS, coerce=int)

    class Meta:
        model = Preferences
        fields = [
            "email_on",
            "push_on",
            *CLIENT_FIELDS,
            *COACH_FIELDS,
            "hour",
            "quiet_from",
            "quiet_until",
            "emails_per_day",
            "weekly_digest",
            "include_message",
        ]

    def __init__(self, *args: Any, is_coach: bool = False, is_client: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hour"].help_text = Preferences._meta.get_field("hour").help_text
        self.fields["quiet_until"].help_text = "New-homework and answer emails wait until then; nothing is lost."
        # Only the reminders that can reach this person: a coach who is nobody's client never gets client ones.
        for name in [] if is_coach else COACH_FIELDS:
            del self.fields[name]
        for name in [] if is_client else CLIENT_FIELDS:
            del self.fields[name]


class FeedForm(forms.ModelForm[CalendarFeed]):
    class Meta:
        model = CalendarFeed
        fields = ["show_titles"]
