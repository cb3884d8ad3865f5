from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "legwork.phone"
    verbose_name = "Phone: installable, offline"
