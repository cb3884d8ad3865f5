from __future__ import annotations

from typing import Any

from django import forms

from .models import SUBSCRIBABLE


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=500,
        help_text="https:// (or http://) on a public address. Legwork POSTs each event there as JSON.",
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/legwork-hook", "autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(event.value, event.label) for event in SUBSCRIBABLE],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )
    description = forms.CharField(
        label="Description", max_length=100, required=False, help_text="For you: what it feeds."
    )

    def __init__(self, *args: Any, can_choose_practice: bool = False, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_choose_practice and not editing:
            self.fields["for_practice"] = forms.BooleanField(
                label="For the whole practice: every coach's events, ids and outcomes only (no titles or links)",
                required=False,
            )
        if editing:
            self.fields["active"] = forms.BooleanField(label="On", required=False, initial=True)
