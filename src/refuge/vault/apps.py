from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "refuge.vault"
    label = "vault"
