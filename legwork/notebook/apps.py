from django.apps import AppConfig


class NotebookConfig(AppConfig):
    name = "legwork.notebook"
    label = "notebook"

    def ready(self) -> None:
        # A handover takes back what the client shared with the old coach (legwork/practice/signals.py).
        from . import receivers  # noqa: F401
