from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "refuge.cases"
    label = "cases"

    def ready(self) -> None:
        from refuge.approvals import registry
        from refuge.cases.destruction import PersonRemoval
        from refuge.cases.partner_keys import PartnerKeyChange

        registry.register(PersonRemoval())
        registry.register(PartnerKeyChange())
