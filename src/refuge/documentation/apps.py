from django.apps import AppConfig


class DocumentationConfig(AppConfig):
    name = "refuge.documentation"
    label = "documentation"
