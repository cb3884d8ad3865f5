"""The client's reflection before a session, and the coach's per-engagement insight settings."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from legwork.coaching.models import Engagement, Session

REFLECTION_MAX = 3000


class Reflection(models.Model):
    """The client's short write-up before a session: what I did, learned, what got in the way, what I want next.

    Written by the engagement's client, read by its coach; editable until the session starts.
    """

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="reflection")
    what_i_did = models.TextField("What I did", blank=True, max_length=REFLECTION_MAX)
    what_i_learned = models.TextField("What I learned", blank=True, max_length=REFLECTION_MAX)
    what_got_in_the_way = models.TextField("What got in the way", blank=True, max_length=REFLECTION_MAX)
    what_i_want_next = models.TextField("What I want from the next session", blank=True, max_length=REFLECTION_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reflection before {self.session}"

    @property
    def is_empty(self) -> bool:
        return not any([self.what_i_did, self.what_i_learned, self.what_got_in_the_way, self.what_i_want_next])


def reflection_is_editable(session: Session, now: dt.datetime | None = None) -> bool:
    """A reflection can be written until its session starts, and never for a cancelled one."""
    if session.status in (Session.Status.CANCELLED,):
        return False
    return not session.has_started(now)


class InsightSettings(models.Model):
    """Per engagement, what the coach chose for the client's insights page (charts on or off)."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="insight_settings")
    charts_on = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "insight settings"

    def __str__(self) -> str:
        return f"Insight settings for {self.engagement_id}"


def charts_on_for(engagement: Engagement) -> bool:
    """Charts are on unless the coach turned them off for this engagement."""
    try:
        return engagement.insight_settings.charts_on
    except InsightSettings.DoesNotExist:
        return True


def set_charts(engagement: Engagement, *, on: bool) -> None:
    InsightSettings.objects.update_or_create(
        engagement=engagement, defaults={"charts_on": on, "updated_at": timezone.now()}
    )
