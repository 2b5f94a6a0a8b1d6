from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "refuge.intake"
    label = "intake"
