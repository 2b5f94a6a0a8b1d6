from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "refuge.accounts"
    label = "accounts"
