from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "legwork.exports"
    label = "exports"
