from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "legwork.api"
    label = "api"
