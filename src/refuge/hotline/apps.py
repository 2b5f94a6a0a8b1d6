from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "refuge.hotline"
    label = "hotline"
