"""The exercise editor (a form over the list of fields), import, and propose-as-homework forms."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.text import slugify

from legwork.coaching.models import Engagement
from legwork.lib.dates import WindowedDateField

from .format import FIELD_TYPES, SIMPLE_TYPES, ExerciseFormatError, validate_document
from .models import Exercise, Kind, Purpose

if TYPE_CHECKING:
    from legwork.accounts.models import User

TYPE_LABELS = {
    "short_text": "Short text",
    "long_text": "Long text",
    "list": "List (one per line)",
    "single_choice": "Single choice",
    "multiple_choice": "Multiple choice",
    "scale": "Scale 1–10",
    "date": "Date",
    "group": "Repeating group",
}


def field_name(label: str) -> str:
    name = re.sub(r"[^a-z0-9_]", "", slugify(label).replace("-", "_"))[:40]
    if not name or not name[0].isalpha():
        name = f"f_{name}"[:40]
    return name


class ExerciseForm(forms.Form):
    title = forms.CharField(max_length=120)
    purpose = forms.ChoiceField(choices=Purpose.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.RadioSelect, label="The kind of work it asks for")
    instructions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000, help_text="Plain words, warmly."
    )


class FieldForm(forms.Form):
    # Not required: a row left without words is a blank row and is skipped.
    label = forms.CharField(max_length=200, label="Question", required=False)
    type = forms.ChoiceField(choices=[(kind, TYPE_LABELS[kind]) for kind in FIELD_TYPES], initial="short_text")
    help = forms.CharField(max_length=500, required=False, label="Help (optional)")
    options = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
        label="Options",
        help_text="Choices: one option per line. Repeating group: one question per line as "
        "“Question | type”, and for a choice “Question | single_choice | option; option”.",
    )
    required = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("label") and (data.get("help") or data.get("options")):
            self.add_error("label", "Give this question some words, or clear the row.")
        return data

    def to_field(self) -> dict[str, Any]:
        data = self.cleaned_data
        field: dict[str, Any] = {"name": field_name(data["label"]), "label": data["label"], "type": data["type"]}
        if data["help"]:
            field["help"] = data["help"]
        if data["required"]:
            field["required"] = True
        lines = [line.strip() for line in data["options"].splitlines() if line.strip()]
        if data["type"] in ("single_choice", "multiple_choice"):
            field["options"] = lines
        elif data["type"] == "group":
            field["fields"] = [_subfield(line) for line in lines]
        return field


def _subfield(line: str) -> dict[str, Any]:
    parts = [part.strip() for part in line.split("|")]
    label = parts[0] or "Question"
    kind = parts[1] if len(parts) > 1 and parts[1] else "short_text"
    sub: dict[str, Any] = {"name": field_name(label), "label": label, "type": kind}
    if len(parts) > 2:
        sub["options"] = [option.strip() for option in parts[2].split(";") if option.strip()]
    return sub


def field_initial(field: dict[str, Any]) -> dict[str, Any]:
    """A stored field back into the editor's row."""
    options = ""
    if field["type"] in ("single_choice", "multiple_choice"):
        options = "\n".join(field.get("options", []))
    elif field["type"] == "group":
        options = "\n".join(
            " | ".join([sub["label"], sub["type"], *(["; ".join(sub["options"])] if sub.get("options") else [])])
            for sub in field.get("fields", [])
        )
    return {
        "label": field["label"],
        "type": field["type"],
        "help": field.get("help", ""),
        "options": options,
        "required": field.get("required", False),
    }


FieldFormSet = forms.formset_factory(FieldForm, extra=2, can_delete=True, can_order=True, max_num=40, absolute_max=60)


def editor_document(form: ExerciseForm, formset: Any, slug: str) -> dict[str, Any]:
    """Build the document from the editor and check it through the same door as a file.

    Problems land on the form as errors that name the field (e.g. “fields[2] (“values”): missing options”).
    """
    fields = []
    names: set[str] = set()
    for row in formset.ordered_forms:
        if not row.has_changed() or row.cleaned_data.get("DELETE") or not row.cleaned_data.get("label"):
            continue
        field = row.to_field()
        # Two questions with the same words still need their own names.
        base, number = field["name"], 2
        while field["name"] in names:
            field["name"] = f"{base[:36]}_{number}"
            number += 1
        names.add(field["name"])
        fields.append(field)
    document = {
        "format": 1,
        "slug": slug,
        "title": form.cleaned_data["title"],
        "purpose": form.cleaned_data["purpose"],
        "kind": form.cleaned_data["kind"],
        "instructions": form.cleaned_data["instructions"],
        "fields": fields,
    }
    try:
        return validate_document(document, "this exercise")
    except ExerciseFormatError as error:
        for message in error.errors:
            form.add_error(None, message)
        raise


class ImportForm(forms.Form):
    file = forms.FileField(label="Exercise file (.yaml or .json)")


class ClientChoiceField(forms.ModelChoiceField[Engagement]):
    def label_from_instance(self, obj: Engagement) -> str:
        return obj.client.display_name


class ProposeForm(forms.Form):
    engagement = ClientChoiceField(queryset=Engagement.objects.none(), label="Propose to", empty_label=None)
    title = forms.CharField(max_length=200, required=False, label="Homework title (optional)")
    due_on = WindowedDateField(
        plan=True,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Due (defaults to the next session)",
    )

    def __init__(self, *args: Any, coach: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(ClientChoiceField, self.fields["engagement"])
        field.queryset = Engagement.objects.filter(coach=coach).current().select_related("client")


def new_slug(title: str, exercise: Exercise | None) -> str:
    if exercise is not None:
        return exercise.slug
    return re.sub(r"[^a-z0-9]+", "-", slugify(title)).strip("-")[:60].strip("-") or "exercise"


__all__ = ["SIMPLE_TYPES", "ProposeForm", "ExerciseForm", "FieldFormSet", "ImportForm"]
