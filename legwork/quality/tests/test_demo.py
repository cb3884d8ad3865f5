from __future__ import annotations

import pytest

from legwork.coaching.demo import build_demo_practice
from legwork.coaching.models import AgendaItem
from legwork.quality.pages import check_in_series, quality_lines


@pytest.mark.django_db
def test_the_demo_has_a_client_whose_done_homework_is_of_little_use_and_one_whose_confidence_rises() -> None:
    practice = build_demo_practice()
    crammer, steady = practice.engagements["crammer"], practice.engagements["steady"]
    little_use = [h for line in quality_lines(crammer) for h in line.done_little_use]
    assert little_use, "Priya's done homework, rated of little use"
    assert AgendaItem.objects.open().filter(engagement=crammer, homework=little_use[0], kind="to_explore").exists()
    assert not [h for line in quality_lines(steady) for h in line.done_little_use]
    confidence = next(s for s in check_in_series(steady) if s.question.startswith("Confidence"))
    values = [value for _, value in confidence.points]
    assert len(values) >= 3
    assert values == sorted(values)
    assert values[-1] > values[0]
