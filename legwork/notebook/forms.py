from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms

from legwork.accounts.forms import TimezoneField
from legwork.coaching.models import Engagement
from legwork.homework.models import Homework
from legwork.lib.dates import WindowedDateTimeField

from .models import WEEKDAYS, JournalEntry, ThinkingTimeBlock, ThinkingTimeOccurrence, weekly_rrule
from .services import shareable_engagements

if TYPE_CHECKING:
    from legwork.accounts.models import User


class EntryForm(forms.ModelForm[JournalEntry]):
    class Meta:
        model = JournalEntry
        fields = ["title", "body", "prompt", "tags", "homework"]
        labels = {"body": "Write", "prompt": "Prompt (optional)", "homework": "About a homework (optional)"}
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "prompt": forms.TextInput()}

    def __init__(self, *args: Any, client: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the client's own homework: a forged id is refused like any bad choice.
        field = cast(forms.ModelChoiceField[Homework], self.fields["homework"])
        field.queryset = Homework.objects.filter(engagement__client=client).order_by("-due_on")
        field.empty_label = "— none —"

    def clean_tags(self) -> str:
        tags = [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]
        return ", ".join(dict.fromkeys(tags))


class CoachChoiceField(forms.ModelChoiceField[Engagement]):
    def label_from_instance(self, obj: Engagement) -> str:
        return obj.coach.display_name


class ShareForm(forms.Form):
    engagement = CoachChoiceField(queryset=Engagement.objects.none(), label="Share with", empty_label=None)

    def __init__(self, *args: Any, client: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(CoachChoiceField, self.fields["engagement"])
        field.queryset = shareable_engagements(client).order_by("status", "-created_at")
        # Most clients have one coach: choose them already (active before paused, newest first).
        first = field.queryset.first()
        field.initial = first.pk if first else None


class BlockForm(forms.ModelForm[ThinkingTimeBlock]):
    days = forms.MultipleChoiceField(choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, label="On these days")
    timezone = TimezoneField(label="Time zone")

    class Meta:
        model = ThinkingTimeBlock
        fields = ["start_time", "duration_minutes", "timezone", "note"]
        labels = {"start_time": "Starts at", "duration_minutes": "Minutes", "note": "A note to yourself"}
        widgets = {"start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
        help_texts = {"note": "e.g. garden, strong coffee, notebook"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration_minutes"].widget.attrs.update(min=5, max=720)
        if self.instance.pk:
            self.initial["days"] = self.instance.days
        self.order_fields(["days", "start_time", "duration_minutes", "timezone", "note"])

    def clean_duration_minutes(self) -> int:
        minutes: int = self.cleaned_data["duration_minutes"]
        if not 5 <= minutes <= 720:
            raise forms.ValidationError("Between 5 minutes and 12 hours.")
        return minutes

    def save(self, commit: bool = True) -> ThinkingTimeBlock:
        self.instance.rrule = weekly_rrule(self.cleaned_data["days"])
        return super().save(commit)


class MarkForm(forms.Form):
    starts_at = WindowedDateTimeField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=ThinkingTimeOccurrence.Status.choices)
    note = forms.CharField(max_length=300, required=False, label="Why (optional)")
