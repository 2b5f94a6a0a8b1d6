from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "refuge.vault"
    label = "vault"

    def ready(self) -> None:
        from refuge.vault import checks  # noqa: F401 - registers the system checks
