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
        from refuge.cases.services.opening import members_of_cases_from
        from refuge.hotline.services.intake import register_access_keeper

        # Members of a case keep the contact it came from when intake grants lapse.
        register_access_keeper(members_of_cases_from)
        from refuge.cases import console  # noqa: F401 - registers the check-in alarms
