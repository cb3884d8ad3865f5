from django.apps import AppConfig


class NotebookConfig(AppConfig):
    name = "legwork.notebook"
    label = "notebook"
