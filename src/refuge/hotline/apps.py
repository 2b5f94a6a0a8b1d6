from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "refuge.hotline"
    label = "hotline"

    def ready(self) -> None:
        from refuge.accounts.home import register_home_panel
        from refuge.hotline import receivers  # noqa: F401 - connects the signal receivers
        from refuge.hotline.views.queue import home_panel

        register_home_panel("hotline/_home_panel.html", home_panel)
