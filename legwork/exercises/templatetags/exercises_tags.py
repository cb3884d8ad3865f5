"""Exercise panels for pages other apps own (the homework page), and the markdown filter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template
from django.utils.safestring import SafeString

from legwork.lib.markdown import render_markdown

from ..answers import display_answers
from ..models import HomeworkExercise

if TYPE_CHECKING:
    from legwork.accounts.models import User
    from legwork.homework.models import Homework

register = template.Library()


@register.filter
def markdown(text: Any) -> SafeString:
    return render_markdown(str(text or ""))


@register.filter
def field_type_label(kind: str) -> str:
    from ..forms import TYPE_LABELS

    return TYPE_LABELS.get(kind, kind)


@register.inclusion_tag("exercises/_homework_panel.html")
def homework_exercise_panel(homework: Homework, user: User) -> dict[str, Any]:
    """The homework's exercise: a link to fill it in (client), the latest answers and their history. Two queries."""
    homework_exercise = HomeworkExercise.objects.filter(homework=homework).select_related("exercise").first()
    if homework_exercise is None:
        return {"homework_exercise": None}
    fields = homework_exercise.fields_snapshot
    entries = list(
        homework.progress.filter(answers__isnull=False).select_related("author").order_by("-written_at", "-pk")[:20]
    )
    history = [{"entry": entry, "answers": display_answers(fields, entry.answers)} for entry in entries]
    return {
        "homework_exercise": homework_exercise,
        "homework": homework,
        "is_client": homework.engagement.is_client(user),
        "latest": history[0] if history else None,
        "earlier": history[1:],
    }
