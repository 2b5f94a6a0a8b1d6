from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "refuge.api"
    label = "api"
