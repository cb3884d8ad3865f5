from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from legwork.coaching.forms import LOCAL_DATETIME_FORMATS, DateInput, DateTimeLocalInput
from legwork.coaching.models import Engagement, Goal
from legwork.lib.dates import WindowedDateField, WindowedDateTimeField, plan_problem, window_problem

from .models import Decision, Homework, Outcome, Purpose, Reason
from .services import HomeworkDraft

NO_GOAL = "No particular goal"


class HomeworkForm(forms.ModelForm[Homework]):
    """One homework: used on the wrap-up page (several at once) and to edit one."""

    # The plan window is checked in clean_due_on: an unchanged due date from before it still saves.
    due_on = WindowedDateField(required=False, widget=DateInput(), label="Due date")

    class Meta:
        model = Homework
        fields = ["title", "purpose", "goal", "first_step", "plan_when", "plan_where", "due_on"]
        widgets = {"purpose": forms.RadioSelect}

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.filter(engagement=engagement)  # type: ignore[attr-defined]
        self.fields["goal"].required = False
        self.fields["goal"].empty_label = NO_GOAL  # type: ignore[attr-defined]
        self.fields["purpose"].choices = Purpose.choices  # type: ignore[attr-defined]
        self.fields["purpose"].error_messages["required"] = "Choose one: explore (know more) or act (a step forward)."
        if not self.instance.pk:
            # The model's default is for code; a person chooses the purpose (issue 12).
            self.initial["purpose"] = None

    def clean_due_on(self) -> Any:
        value = self.cleaned_data.get("due_on")
        current = self.instance.due_on if self.instance.pk else None
        if value is None:
            # Left empty: a new homework takes the next session's date, an existing one keeps its own.
            return current
        if value != current and (problem := plan_problem(value)):
            raise forms.ValidationError(problem)
        return value

    def to_draft(self) -> HomeworkDraft:
        data = self.cleaned_data
        return HomeworkDraft(
            title=data["title"],
            purpose=data["purpose"],
            goal=data.get("goal"),
            first_step=data.get("first_step", ""),
            plan_when=data.get("plan_when", ""),
            plan_where=data.get("plan_where", ""),
            due_on=data.get("due_on"),
        )


class WrapUpRowForm(HomeworkForm):
    """One wrap-up row: it counts once something is written in it (a purpose alone leaves it empty)."""

    def has_changed(self) -> bool:
        return any(name != "purpose" for name in self.changed_data)


class BaseWrapUpFormSet(forms.BaseFormSet[WrapUpRowForm]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every row offers the same goals: read them once, not once per row.
        engagement = self.form_kwargs["engagement"]
        self.goal_choices = [("", NO_GOAL), *Goal.objects.filter(engagement=engagement).values_list("pk", "title")]

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "engagement": self.form_kwargs["engagement"]}

    def _construct_form(self, i: int, **kwargs: Any) -> WrapUpRowForm:
        form: WrapUpRowForm = super()._construct_form(i, **kwargs)  # type: ignore[misc]  # django-stubs omits it
        form.fields["goal"].choices = self.goal_choices  # type: ignore[attr-defined]
        return form

    @property
    def empty_form(self) -> WrapUpRowForm:
        form = super().empty_form
        form.fields["goal"].choices = self.goal_choices  # type: ignore[attr-defined]
        return form


WRAP_UP_MAX_ROWS = 12


def wrap_up_formset(engagement: Engagement, data: Any = None, extra: int = 2) -> Any:
    """The wrap-up rows. absolute_max caps the forms built, whatever TOTAL_FORMS a forged post claims."""
    # django-stubs: modelform_factory returns type[ModelForm[Homework]], not the WrapUpRowForm subclass it makes.
    formset_class = forms.formset_factory(  # type: ignore[misc]
        forms.modelform_factory(Homework, form=WrapUpRowForm, fields=HomeworkForm.Meta.fields),
        formset=BaseWrapUpFormSet,
        extra=extra,
        max_num=WRAP_UP_MAX_ROWS,
        absolute_max=WRAP_UP_MAX_ROWS,
        validate_max=True,
    )
    return formset_class(data, form_kwargs={"engagement": engagement}, prefix="homework")


class NextSessionForm(forms.Form):
    next_session_at = WindowedDateTimeField(
        label="Next session",
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=LOCAL_DATETIME_FORMATS,
        help_text="In your time zone; your client sees it in theirs.",
    )

    def clean_next_session_at(self) -> Any:
        value = self.cleaned_data.get("next_session_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError("The next session needs to be in the future.")
        if value is not None and (problem := plan_problem(value)):
            raise forms.ValidationError(problem)
        return value


class ChangeRequestForm(forms.Form):
    note = forms.CharField(max_length=500, label="What would you change?", widget=forms.Textarea(attrs={"rows": 2}))


QUICK_MINUTES = [15, 30, 60]


class ProgressForm(forms.Form):
    note = forms.CharField(
        max_length=5000, required=False, label="What did you do?", widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.IntegerField(min_value=1, max_value=24 * 60, required=False, label="Minutes")
    occurred_on = forms.DateField(required=False, widget=DateInput(), label="When (if not today)")
    # The one-tap buttons ("15 min"...): minutes without typing, with whatever note was written.
    quick = forms.TypedChoiceField(choices=[(m, m) for m in QUICK_MINUTES], coerce=int, required=False)

    def __init__(self, *args: Any, today: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_occurred_on(self) -> Any:
        value = self.cleaned_data.get("occurred_on")
        if value and value > self.today:
            raise forms.ValidationError("That day hasn't happened yet: log work once it's done.")
        if value and (problem := window_problem(value)):
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "quick" in self.errors:
            # Only a forged post gets here; say it where the form shows its own errors.
            self.add_error(None, "Pick 15 min, 30 min or 1 hour.")
        if data.get("quick") and not data.get("minutes"):
            data["minutes"] = data["quick"]
        if not self.errors and not data.get("note") and not data.get("minutes"):
            raise forms.ValidationError("Write a few words or the minutes you spent.")
        return data


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.ChoiceField(choices=[("", "Why not?"), *Reason.choices], required=False, label="Reason, if not done")
    decision = forms.ChoiceField(
        choices=[("", "What now?"), *Decision.choices], required=False, label="Decision, if not done"
    )
    note = forms.CharField(max_length=500, required=False, label="Note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Outcome.NOT_DONE:
            if not data.get("reason"):
                self.add_error("reason", "Pick the reason it didn't happen.")
            if not data.get("decision"):
                self.add_error("decision", "Decide together: carry over, change or drop.")
        return data
