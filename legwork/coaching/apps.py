from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "legwork.coaching"
    label = "coaching"
