from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "refuge.cases"
    label = "cases"

    def ready(self) -> None:
        from refuge.approvals import registry
        from refuge.cases.destruction import PersonRemoval

        registry.register(PersonRemoval())
