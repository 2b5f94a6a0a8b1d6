from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.audit.models import AuditHead
from refuge.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log tools: `verify` checks the hash chain; `head` prints the newest hash."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "head"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            head = AuditHead.objects.filter(pk=1).first()
            self.stdout.write(f"{head.sequence if head else 0} {head.entry_hash if head else ''}")
            return
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(f"entry {problem.sequence}: {problem.problem}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s)", returncode=1)
        head = AuditHead.objects.filter(pk=1).first()
        self.stdout.write(f"audit chain intact: {head.sequence if head else 0} entries")
