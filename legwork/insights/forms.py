from __future__ import annotations

from django import forms

from .models import Reflection


class ReflectionForm(forms.ModelForm[Reflection]):
    class Meta:
        model = Reflection
        fields = ["what_i_did", "what_i_learned", "what_got_in_the_way", "what_i_want_next"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class ChartsForm(forms.Form):
    charts_on = forms.BooleanField(required=False, label="Show charts to the client")


class OverviewFilterForm(forms.Form):
    """The coach overview's filters: each narrows the list; none = everyone."""

    stuck = forms.BooleanField(required=False, label="Stuck")
    silent = forms.BooleanField(required=False, label="Nothing written since the last session")
    explore = forms.BooleanField(required=False, label="Has “to explore” items")
