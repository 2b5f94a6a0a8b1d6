"""`refuge recover --operator NAME`: k trustees' shares restore a coordinator's access.

Shares come from repeated `--share "RFG1-..."` options or, without them, one per line on
standard input (so they need not appear in the shell history). The rebuilt private key lives
in this process's memory only and is never written anywhere.
"""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.core.management.arguments import plain_text
from refuge.vault.api import (
    ShareError,
    VaultError,
    recover_private_key,
    report_skipped,
    restore_access,
)

EXIT_BAD_SHARES = 2


class Command(BaseCommand):
    help = "Rebuild the recovery key from trustees' shares and restore a coordinator's access."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--operator",
            required=True,
            type=plain_text,
            help="username of the coordinator whose access is restored",
        )
        parser.add_argument(
            "--share",
            action="append",
            default=[],
            help="one printed share (repeat); without it, read stdin lines",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        coordinator = self._coordinator(options["operator"])
        shares = options["share"] or [
            line for line in sys.stdin.read().splitlines() if line.strip()
        ]
        try:
            private_key = recover_private_key(shares)
        except ShareError as error:
            raise CommandError(str(error), returncode=EXIT_BAD_SHARES) from None
        except VaultError as error:
            raise CommandError(str(error)) from None
        try:
            restored = restore_access(operator=coordinator, recovery_private_key=private_key)
        except VaultError as error:
            raise CommandError(str(error)) from None
        finally:
            del private_key
        self.stdout.write(
            f"Recovery key rebuilt in memory; {restored.count} envelope(s) sealed to "
            f"{coordinator.get_username()}. The key was not stored."
        )
        report_skipped(self.stderr, restored.skipped)

    @staticmethod
    def _coordinator(username: str) -> Operator:
        operator = get_user_model().objects.filter(username=username, is_active=True).first()
        if operator is None:
            raise CommandError(f"No active operator is called {username!r}.")
        if getattr(operator, "role", None) != Role.COORDINATOR:
            raise CommandError(
                f"{username!r} is not a coordinator; recovery restores a coordinator's access only."
            )
        return operator
