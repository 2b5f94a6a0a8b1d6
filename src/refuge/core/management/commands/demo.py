"""`refuge demo`: set up, then seed realistic demo data from every app. DEMO ONLY."""

from __future__ import annotations

from pathlib import Path
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
        marker = Path(settings.DATA_DIR) / "demo-seeded"
        first, *others = settings.DEMO_SEEDERS
        lines: list[str] = []
        with activated(Keyring()):
            lines.extend(import_string(first)())  # the operators: idempotent, always printed
            if marker.exists():
                lines.append("Demo records were seeded before; not adding them again.")
            else:
                for seeder_path in others:
                    lines.extend(import_string(seeder_path)())
                marker.write_text("seeded\n", encoding="utf-8")
        for line in lines:
            self.stdout.write(line)
