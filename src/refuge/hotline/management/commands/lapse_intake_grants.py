"""refuge lapse_intake_grants: revoke intake-duty grants on long-closed contacts (cron, daily;
a background worker will call the same function)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from refuge.hotline.services.intake import lapse_intake_grants, lapsing_grants


class Command(BaseCommand):
    help = (
        "Revoke the grants intake duty gave on contacts closed more than "
        "REFUGE_INTAKE_GRANT_DAYS ago (the holder, the logger and case members keep theirs)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="say how many grants would lapse, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.HOTLINE_INTAKE_GRANT_DAYS
        if options["dry_run"]:
            lapsing = lapsing_grants()
            contacts = len({grant.contact_id for grant in lapsing})
            self.stdout.write(
                f"{len(lapsing)} intake grant(s) on {contacts} contact(s) closed "
                f"over {days} days ago would lapse."
            )
            return
        lapse = lapse_intake_grants()
        self.stdout.write(
            f"{lapse.grants} intake grant(s) on {lapse.contacts} contact(s) "
            f"closed over {days} days ago lapsed."
        )
