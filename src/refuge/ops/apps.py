from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running an installation: setup, demo, serve, backup and restore, recovery, the audit
    chain's verification and witnessing. The top layer: it may use every app below it."""

    name = "refuge.ops"
    label = "ops"

    def ready(self) -> None:
        from refuge.ops import checks  # noqa: F401 - registers `check --deploy`'s findings
