from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "legwork.homework"
    label = "homework"
