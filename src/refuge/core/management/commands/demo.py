"""`refuge demo`: set up, then seed realistic demo data from every app. DEMO ONLY."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from refuge.vault.keyring import Keyring, activated


class Command(BaseCommand):
    help = "Prepare a demo installation with sample operators, reports, cases and events."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("setup", stdout=self.stdout)
        lines: list[str] = []
        with activated(Keyring()):
            for seeder_path in settings.DEMO_SEEDERS:
                lines.extend(import_string(seeder_path)())
        for line in lines:
            self.stdout.write(line)
