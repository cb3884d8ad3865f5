"""The window every date a person gives Legwork must fall in, and date sums that cannot overflow.

Two windows (docs/loop.md, "What Legwork accepts"):

- Any date or time a person enters lies in 1900-01-01 .. 2100-12-31 (`FLOOR`, `CEILING`):
  on the model fields as validators and in the shared form fields below, so every
  form, the admin and an API that binds to the forms all refuse the rest with a
  message beside the field.
- A date that plans the loop (a homework's due date, a session's time) lies within
  a year before today and five years after it (`plan_window`): checked by the form
  fields and again by the services, where every caller passes.

Pages must still survive a far date stored before these rules (or by hand):
`add_days` and `day_end` never raise, and code that walks days caps how many.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible

FLOOR = dt.date(1900, 1, 1)
CEILING = dt.date(2100, 12, 31)
PLAN_BEHIND = dt.timedelta(days=366)
PLAN_AHEAD = dt.timedelta(days=5 * 365 + 1)
# The first moment Python can hold: sorts and bounds before any real one.
FIRST_MOMENT = dt.datetime.min.replace(tzinfo=dt.UTC)


def _day(value: dt.date | dt.datetime) -> dt.date:
    # A datetime's own wall-clock day: comparing days never needs a conversion that could overflow.
    return value.date() if isinstance(value, dt.datetime) else value


def window_problem(value: dt.date | dt.datetime, low: dt.date = FLOOR, high: dt.date = CEILING) -> str | None:
    """Why `value` is outside [low, high], in words for the person who typed it; None when it is inside."""
    day = _day(value)
    if day < low:
        return f"Pick a date on or after {low:%-d %B %Y}."
    if day > high:
        return f"Pick a date on or before {high:%-d %B %Y}."
    return None


@deconstructible
class DateWindowValidator:
    """Model and form validator: the date (or the datetime's day) lies in 1900-01-01 .. 2100-12-31."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, dt.date) and (problem := window_problem(value)):
            raise ValidationError(problem, code="date_window")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateWindowValidator)

    def __hash__(self) -> int:
        return hash(DateWindowValidator)


validate_date_window = DateWindowValidator()


def plan_window(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The days a due date or a session may fall on: a year back to five years ahead of today."""
    today = today or timezone.localdate()
    return today - PLAN_BEHIND, today + PLAN_AHEAD


def plan_problem(value: dt.date | dt.datetime, today: dt.date | None = None) -> str | None:
    low, high = plan_window(today)
    if problem := window_problem(value, low, high):
        return problem.replace("Pick a date", "Plan for a day")
    return None


class WindowedDateField(forms.DateField):
    """A date form field that refuses days outside the window (the plan window with `plan=True`)."""

    def __init__(self, *args: Any, plan: bool = False, **kwargs: Any) -> None:
        self.plan = plan
        super().__init__(*args, **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if isinstance(value, dt.date) and (problem := plan_problem(value) if self.plan else window_problem(value)):
            raise ValidationError(problem, code="date_window")


class WindowedDateTimeField(forms.DateTimeField):
    """A date-and-time form field with the same window, checked on the typed wall-clock day.

    The window is checked on the wall-clock day as typed, never after a conversion to
    another zone, so 9999-12-31 23:59 in New York (later than any moment Python can
    hold in UTC) is refused with a message, never overflows.
    """

    def __init__(self, *args: Any, plan: bool = False, **kwargs: Any) -> None:
        self.plan = plan
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(f"Pick a date on or before {CEILING:%-d %B %Y}.", code="date_window") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        # The wall-clock day as typed: no conversion to another zone, so nothing can overflow.
        if isinstance(value, dt.datetime) and (problem := plan_problem(value) if self.plan else window_problem(value)):
            raise ValidationError(problem, code="date_window")


def add_days(day: dt.date, days: int) -> dt.date:
    """`day` plus `days`, held at the ends of the calendar instead of overflowing."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def add_time(moment: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """`moment` plus `delta`, held at the ends of the calendar instead of overflowing."""
    try:
        return moment + delta
    except OverflowError:
        edge = dt.datetime.max if delta > dt.timedelta(0) else dt.datetime.min
        return edge.replace(tzinfo=moment.tzinfo)


def day_end(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    """The first moment after `day` in `zone` (midnight that ends it); the calendar's last moment for the last day."""
    if day >= dt.date.max:
        return dt.datetime.max.replace(tzinfo=zone)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
