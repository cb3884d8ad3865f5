from __future__ import annotations

import pytest

from legwork.coaching.demo import build_demo_practice
from legwork.insights import charts
from legwork.insights.models import InsightSettings, Reflection
from legwork.insights.pages import engagement_insights


@pytest.mark.django_db
def test_it_gives_the_demo_clients_patterns_you_can_see_in_the_numbers() -> None:
    practice = build_demo_practice()
    steady = engagement_insights(practice.engagements["steady"])
    crammer = engagement_insights(practice.engagements["crammer"])
    stuck = engagement_insights(practice.engagements["stuck"])

    def mean(values: list[float | None]) -> float:
        known = [v for v in values if v is not None]
        return sum(known) / len(known)

    # The crammer writes nearly everything in the last day and works on few days; the steady client the opposite.
    assert mean([h.last_minute_share for h in crammer.history]) >= 0.8
    assert mean([h.last_minute_share for h in steady.history]) <= 0.3
    assert mean([h.active_share for h in steady.history]) > 2 * mean([h.active_share for h in crammer.history])
    # The stuck client keeps carrying one homework over, for the same reason.
    assert stuck.carried_over >= 2
    assert ("Procrastination", stuck.repeated_reasons[0][1]) in stuck.repeated_reasons
    assert stuck.longest_carry >= 2
    # Each has reflections, and pictures with a text alternative.
    for pattern in ("steady", "crammer", "stuck"):
        assert Reflection.objects.filter(session__engagement=practice.engagements[pattern]).count() >= 3
    assert "Last-minute share" in str(charts.rates_svg(crammer.history, charts.EFFORT, "Spread of effort"))
    assert not InsightSettings.objects.get(engagement=practice.engagements["paused"]).charts_on
