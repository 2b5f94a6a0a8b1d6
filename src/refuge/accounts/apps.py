from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "refuge.accounts"
    label = "accounts"

    def ready(self) -> None:
        from refuge.accounts.roles import Capability
        from refuge.accounts.selectors import operators_with
        from refuge.vault import api as vault

        # The vault is below accounts: it asks this provider who holds the blind-index key.
        vault.register_index_readers(lambda: list(operators_with(Capability.MATCH_IDENTIFIERS)))
