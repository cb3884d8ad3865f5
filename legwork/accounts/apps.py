from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "legwork.accounts"
    label = "accounts"
