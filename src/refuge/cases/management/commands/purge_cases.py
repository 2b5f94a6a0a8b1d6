"""refuge purge_cases [--dry-run]: remove contact details of closed cases past retention.

`refuge worker` runs the same function daily (ops.jobs); this command runs it by hand.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from refuge.cases.services.retention import PurgeItem, purge_contact_details, purge_plan


class Command(BaseCommand):
    help = "Remove contact details of cases closed longer than CASES_RETENTION_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be removed."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = bool(options["dry_run"])
        items = purge_plan() if dry_run else purge_contact_details()
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(
            f"Retention: {settings.CASES_RETENTION_DAYS} days after closing; "
            f"{len(items)} case(s) {'due' if dry_run else 'purged'}."
        )
        for item in items:
            self.stdout.write(self._line(item, verb))

    @staticmethod
    def _line(item: PurgeItem, verb: str) -> str:
        # Counts and references only: the report itself must be safe to keep in a log.
        return (
            f"  {item.reference} closed {item.closed_at:%Y-%m-%d}: {verb} "
            f"{item.case_fields} sealed case field(s), {item.person_fields} person "
            f"field(s), {item.identifiers} blind index(es), {item.notes} note(s), "
            f"{item.movements} movement(s); shred the case key"
        )
