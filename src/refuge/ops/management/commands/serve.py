"""`refuge serve`: the production WSGI server (gunicorn), never Django's runserver."""

from __future__ import annotations

import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from refuge.config.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Refuge with gunicorn (static files through WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("REFUGE_WORKERS", "3"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("REFUGE_THREADS", "4"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Refuge on http://{options['host']}:{options['port']}/")
        _Gunicorn(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["workers"],
                "threads": options["threads"],
                "worker_class": "gthread",
                # No access log: request lines would list who opened which mailbox and when.
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 60,
                "graceful_timeout": 10,
                "forwarded_allow_ips": os.environ.get("REFUGE_FORWARDED_ALLOW_IPS", "127.0.0.1"),
            }
        ).run()
