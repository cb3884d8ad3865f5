"""Quality, check-ins and steps on pages other apps own, through `legwork.lib.panels`.

Each panel runs a fixed number of queries (said in its docstring), so the pages stay flat.
"""

from __future__ import annotations

from typing import Any

from django import template

from legwork.coaching.models import Engagement, Session
from legwork.homework.models import Homework
from legwork.insights.models import reflection_is_editable
from legwork.lib.panels import panel

from . import charts, pages, steps
from .forms import CheckInForm
from .models import CheckInAnswer, CheckInScale, Role, Step, role_of


def _role(context: template.Context, engagement: Engagement) -> str | None:
    return role_of(engagement, context["request"].user)


@panel("session.quality", "quality/_session_panel.html")
def session_quality(context: template.Context, session: Session) -> dict[str, Any] | None:
    """How well each homework under review went, rated blind by each of them. Three queries."""
    role = _role(context, session.engagement)
    if role is None:
        return None
    rows = pages.rating_rows(pages.session_homework(session), role)
    return {"session": session, "rows": rows, "role": role} if rows else None


@panel("reflection.bottom", "quality/_reflection_panel.html")
def reflection_quality(context: template.Context, session: Session) -> dict[str, Any] | None:
    """In the reflection: the client rates this interval's homework and answers the check-ins; the
    coach reads the check-ins (ratings only as the blind rule allows). Five queries."""
    engagement = session.engagement
    role = _role(context, engagement)
    if role is None:
        return None
    scales = list(CheckInScale.objects.filter(engagement=engagement, retired_at__isnull=True))
    answers = {a.scale_id: a.value for a in CheckInAnswer.objects.filter(session=session)}
    editable = role == Role.CLIENT and reflection_is_editable(session)
    form = None
    if editable and scales:
        form = CheckInForm(scales=scales, initial={f"scale_{pk}": value for pk, value in answers.items()})
    return {
        "session": session,
        "role": role,
        "rows": pages.rating_rows(pages.session_homework(session), role),
        "scales": scales,
        "answers": [(s, answers.get(s.pk)) for s in scales],
        "check_in_form": form,
    }


@panel("brief.quality", "quality/_brief_panel.html")
def brief_quality(context: template.Context, session: Session) -> dict[str, Any] | None:
    """Quality beside completion over intervals, check-ins over sessions, selves with steps. At most seven
    queries (`quality_lines` two, `check_ins_context` two, `engagement_anchors` three), fewer when there is
    nothing rated, no check-in scale or no exercise with selves."""
    engagement = session.engagement
    if _role(context, engagement) != Role.COACH:
        return None
    lines = pages.quality_lines(engagement)
    return {
        "engagement": engagement,
        "lines": lines,
        "done_little_use": [h for line in lines for h in line.done_little_use],
        **pages.check_ins_context(engagement),
        "anchors": [a for items in steps.engagement_anchors(engagement).values() for a in items],
    }


@panel("engagement.middle", "quality/_engagement_panel.html", order=60)
def engagement_quality(context: template.Context, engagement: Engagement) -> dict[str, Any] | None:
    """For the coach: quality beside completion, the check-in chart and its scales. Four queries."""
    if _role(context, engagement) != Role.COACH:
        return None
    return {"engagement": engagement, "lines": pages.quality_lines(engagement), **pages.check_ins_context(engagement)}


@panel("my_insights.engagement", "quality/_my_insights_panel.html")
def my_quality(context: template.Context, engagement: Engagement) -> dict[str, Any] | None:
    """On the client's insights: how well it has been going, kindly, and their check-ins. Four queries."""
    if _role(context, engagement) != Role.CLIENT:
        return None
    return {"engagement": engagement, "lines": pages.quality_lines(engagement), **pages.check_ins_context(engagement)}


@panel("homework.exercise", "quality/_homework_panel.html", order=60)
def homework_quality(context: template.Context, homework: Homework) -> dict[str, Any] | None:
    """On the homework page: its ratings as the blind rule allows, strategies to turn into steps, and an
    exercise's scores across sittings.
    Nine queries."""
    role = _role(context, homework.engagement)
    if role is None:
        return None
    rows = pages.rating_rows([homework], role)
    anchors = steps.source_anchors([homework]).get(homework.pk, [])
    serves = Step.objects.filter(homework=homework).select_related("source").first()
    scales_chart = charts.check_in_svg(pages.exercise_scale_series(homework), title="Scores across sittings")
    if not rows and not anchors and serves is None and not scales_chart:
        return None
    return {
        "homework": homework,
        "row": rows[0] if rows else None,
        "anchors": anchors,
        "serves": serves,
        "role": role,
        "scales_chart": scales_chart,
    }
