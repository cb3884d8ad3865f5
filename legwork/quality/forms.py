from __future__ import annotations

from typing import Any

from django import forms

from .models import CHECK_IN_MAX, HOW_WELL, SHIPPED_SCALES, USEFULNESS, WORD_MAX, CheckInScale


class QualityForm(forms.Form):
    # Whole numbers on a labelled scale: radio buttons on the page, integers in the API.
    how_well = forms.IntegerField(
        label="How well did it go?",
        min_value=1,
        max_value=len(HOW_WELL),
        help_text="1 not well, 2 fairly well, 3 well, 4 very well",
        widget=forms.RadioSelect(choices=HOW_WELL),
    )
    usefulness = forms.IntegerField(
        label="How useful was it?",
        min_value=1,
        max_value=len(USEFULNESS),
        help_text="1 of little use, 2 somewhat useful, 3 useful, 4 very useful",
        widget=forms.RadioSelect(choices=USEFULNESS),
    )
    word = forms.CharField(label="A word about it (optional)", max_length=WORD_MAX, required=False)


class CheckInForm(forms.Form):
    """One 0–10 field per scale of the engagement; each may be left empty."""

    def __init__(self, *args: Any, scales: list[CheckInScale], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scales = scales
        for scale in scales:
            self.fields[f"scale_{scale.pk}"] = forms.IntegerField(
                label=scale.question,
                min_value=0,
                max_value=CHECK_IN_MAX,
                required=False,
                help_text=f"0 = {scale.low_label}, {CHECK_IN_MAX} = {scale.high_label}",
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def values(self) -> dict[int, int | None]:
        return {scale.pk: self.cleaned_data.get(f"scale_{scale.pk}") for scale in self.scales}


class CheckInScalesForm(forms.Form):
    keep_own = forms.MultipleChoiceField(
        label="Your own scales", choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )
    keys = forms.MultipleChoiceField(
        label="From the shipped set",
        choices=[(key, f"{question} ({low} – {high})") for key, question, low, high in SHIPPED_SCALES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    library = forms.MultipleChoiceField(
        label="From your library",
        help_text="Your own scales from your other engagements, and those shared in your practice",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    own_question = forms.CharField(label="Your own scale: the question", max_length=120, required=False)
    own_low = forms.CharField(label="Label at 0", max_length=40, required=False)
    own_high = forms.CharField(label="Label at 10", max_length=40, required=False)

    def __init__(
        self,
        *args: Any,
        own: list[CheckInScale],
        library: list[CheckInScale] | None = None,
        coach_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.own = own
        self.fields["keep_own"].choices = [  # type: ignore[attr-defined]
            (str(s.pk), f"{s.question} ({s.low_label} – {s.high_label})") for s in own
        ]
        if not own:
            del self.fields["keep_own"]
        # The library, less what this engagement already has; a colleague's marked with their name.
        here = {s.text for s in own}
        offered = [s for s in library or [] if s.text not in here]
        self.fields["library"].choices = [  # type: ignore[attr-defined]
            (str(s.pk), f"{s.question} ({s.low_label} – {s.high_label}){_shared_by(s, coach_id)}") for s in offered
        ]
        if not offered:
            del self.fields["library"]

    def from_library(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("library", [])]

    def chosen(self) -> tuple[list[str], list[tuple[str, str, str]]]:
        """The shipped keys and the own scales (question, low, high) the form asks for."""
        kept = set(self.cleaned_data.get("keep_own", []))
        own = [(s.question, s.low_label, s.high_label) for s in self.own if str(s.pk) in kept]
        if self.cleaned_data.get("own_question"):
            d = self.cleaned_data
            own.append((d["own_question"], d["own_low"], d["own_high"]))
        return list(self.cleaned_data.get("keys", [])), own

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = [data.get("own_question", ""), data.get("own_low", ""), data.get("own_high", "")]
        if any(parts) and not all(parts):
            self.add_error("own_question", "Your own scale needs a question and a label at each end.")
        return data


def _shared_by(scale: CheckInScale, coach_id: int | None) -> str:
    coach = scale.engagement.coach
    return f", shared by {coach.display_name}" if coach.pk != coach_id else ""


class StepForm(forms.Form):
    """Which strategy of the latest answers: the anchor (a self) and the strategy, by position."""

    anchor = forms.IntegerField(min_value=0, max_value=50)
    strategy = forms.IntegerField(min_value=0, max_value=100)
