from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "refuge.core"
    label = "core"
