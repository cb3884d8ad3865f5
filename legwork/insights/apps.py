from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "legwork.insights"
    label = "insights"
