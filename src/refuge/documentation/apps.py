from django.apps import AppConfig


class DocumentationConfig(AppConfig):
    name = "refuge.documentation"
    label = "documentation"

    def ready(self) -> None:
        from refuge.approvals import registry
        from refuge.cases import links
        from refuge.documentation.destruction import EvidenceDestruction, SourceDeletion
        from refuge.documentation.services.case_links import DocumentationLinks

        links.register(DocumentationLinks())
        registry.register(SourceDeletion())
        registry.register(EvidenceDestruction())
