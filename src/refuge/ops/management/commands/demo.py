"""`refuge demo`: set up, then seed realistic demo data from every app. DEMO ONLY.

It refuses an installation holding any operator it did not make itself:
the demo's accounts have public passwords and TOTP secrets, and must never appear beside real
ones. Demo accounts made before are left as they are (never reset).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.module_loading import import_string

from refuge.vault.api import Keyring, activated


def _foreign_operators() -> list[str]:
    """Usernames of operators the demo did not make ([] on a fresh, unmigrated database)."""
    tables = connection.introspection.table_names()
    if "accounts_operator" not in tables:
        return []
    from django.db.utils import DatabaseError

    from refuge.accounts.demo import foreign_operators

    try:
        return foreign_operators()
    except DatabaseError:  # an older schema without the demo marker: every account is real
        with connection.cursor() as cursor:
            cursor.execute("SELECT username FROM accounts_operator")
            return [row[0] for row in cursor.fetchall()]


class Command(BaseCommand):
    help = "Prepare a demo installation with sample operators, reports, cases and events."

    def handle(self, *args: Any, **options: Any) -> None:
        foreign = _foreign_operators()
        if foreign:
            raise CommandError(
                f"Refusing: this installation has {len(foreign)} operator(s) the demo did not "
                "create. The demo adds accounts with public passwords; run it only on an "
                "empty data directory or database.",
                returncode=3,
            )
        call_command("setup", stdout=self.stdout)
        marker = Path(settings.DATA_DIR) / "demo-seeded"
        first, *others = settings.DEMO_SEEDERS
        lines: list[str] = []
        with activated(Keyring()):
            lines.extend(import_string(first)())  # the operators: missing ones only
            if marker.exists():
                lines.append("Demo records were seeded before; not adding them again.")
            else:
                for seeder_path in others:
                    lines.extend(import_string(seeder_path)())
                marker.write_text("seeded\n", encoding="utf-8")
        for line in lines:
            self.stdout.write(line)
