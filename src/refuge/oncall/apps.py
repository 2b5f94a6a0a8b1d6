from django.apps import AppConfig


class OncallConfig(AppConfig):
    name = "refuge.oncall"
    label = "oncall"

    def ready(self) -> None:
        from refuge.accounts.home import register_home_panel
        from refuge.oncall import receivers  # noqa: F401  (connects the alarm triggers)
        from refuge.oncall.views import on_call_panel

        register_home_panel("oncall/panel.html", on_call_panel)
