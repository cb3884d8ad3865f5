from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "legwork.reminders"
    label = "reminders"
