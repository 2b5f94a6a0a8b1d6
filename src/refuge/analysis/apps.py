from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "refuge.analysis"
    label = "analysis"
