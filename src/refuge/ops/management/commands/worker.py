"""`refuge worker`: the background worker (huey's consumer) for alarms, reminders, retention,
audit verification and backups. Run one or more beside `refuge serve`; see README "Worker"."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import autodiscover_modules
from huey.consumer_options import ConsumerConfig


class Command(BaseCommand):
    help = "Run the background worker (huey): scheduled safety work and queued tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="threads that run tasks (default REFUGE_WORKER_THREADS, 2)",
        )
        parser.add_argument(
            "--verbose", action="store_true", help="log every task the worker executes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from huey.contrib.djhuey import HUEY

        autodiscover_modules("tasks")  # every app's tasks.py registers its tasks
        huey_settings: dict[str, Any] = settings.HUEY
        consumer_options: dict[str, Any] = dict(huey_settings.get("consumer", {}))
        if options["workers"]:
            consumer_options["workers"] = options["workers"]
        config = ConsumerConfig(**consumer_options)
        config.validate()
        # Django's LOGGING already prints (and scrubs) every logger; huey's own handler would
        # print each line twice. Its line per task executed is for --verbose only.
        logging.getLogger("huey").setLevel(logging.INFO if options["verbose"] else logging.WARNING)
        storage = "Redis" if settings.REDIS_URL else f"SQLite ({settings.HUEY_FILE})"
        self.stdout.write(f"Refuge worker: queue {HUEY.name!r} on {storage}")
        self.stdout.flush()
        HUEY.create_consumer(**config.values).run()
