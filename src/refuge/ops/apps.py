from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running an installation: setup, demo, serve, the worker and its scheduled safety work,
    backup and restore, recovery, the audit chain's verification and witnessing. The top
    layer: it may use every app below it."""

    name = "refuge.ops"
    label = "ops"

    def ready(self) -> None:
        from refuge.accounts.home import register_home_panel
        from refuge.ops import (
            checks,  # noqa: F401 - registers `check --deploy`'s findings
            jobs,  # noqa: F401 - registers the scheduled jobs
        )
        from refuge.ops.views import home_panel

        register_home_panel("ops/_home_panel.html", home_panel)
