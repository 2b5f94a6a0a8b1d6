from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "refuge.hotline"
    label = "hotline"

    def ready(self) -> None:
        from refuge.hotline import receivers  # noqa: F401 - connects the signal receivers
