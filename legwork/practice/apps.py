from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "legwork.practice"
    label = "practice"
