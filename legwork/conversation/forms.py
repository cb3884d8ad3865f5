from __future__ import annotations

from django import forms

from .models import MESSAGE_MAX, WORD_MAX


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown works: *emphasis*, lists, links.",
    )


class KeepForm(forms.Form):
    body = forms.CharField(
        label="Why it stays as it is (optional)",
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AcknowledgeForm(forms.Form):
    word = forms.CharField(label="A word (optional)", max_length=WORD_MAX, required=False)
