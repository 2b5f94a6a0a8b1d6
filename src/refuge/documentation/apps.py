from django.apps import AppConfig


class DocumentationConfig(AppConfig):
    name = "refuge.documentation"
    label = "documentation"

    def ready(self) -> None:
        from refuge.cases import links
        from refuge.documentation.services.case_links import DocumentationLinks

        links.register(DocumentationLinks())
