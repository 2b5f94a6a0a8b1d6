from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "refuge.core"
    label = "core"

    def ready(self) -> None:
        from refuge.core.logging import install_record_factory

        install_record_factory()  # exception messages never reach a log (core/logging.py)
