from __future__ import annotations

from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "legwork.quality"
    label = "quality"
    verbose_name = "Quality, check-ins and steps"
