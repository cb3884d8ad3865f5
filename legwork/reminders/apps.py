from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "legwork.reminders"
    label = "reminders"

    def ready(self) -> None:
        # Connect to the homework loop's signals: the loop never needs to know reminders exist.
        from . import receivers  # noqa: F401
