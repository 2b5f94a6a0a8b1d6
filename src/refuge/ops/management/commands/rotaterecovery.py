"""`refuge rotaterecovery`: k trustees' shares of the current key make a new recovery key.

Every recovery grant is re-sealed to the new key and the old key is retired; the new shares
are printed once, as at setup. Have the trustees destroy the old shares afterwards: recovery
grants in backups taken before the rotation then open with nothing (docs/vault.md).
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.vault.api import (
    ShareError,
    VaultError,
    recover_private_key,
    report_skipped,
    rotate_recovery_key,
)

EXIT_BAD_SHARES = 2


class Command(BaseCommand):
    help = "Replace the recovery key (needs k current shares) and print the new shares."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--share",
            action="append",
            default=[],
            help="one current share (repeat); without it, read stdin lines",
        )
        parser.add_argument("--threshold", type=int, default=settings.VAULT_RECOVERY_THRESHOLD)
        parser.add_argument("--shares", type=int, default=settings.VAULT_RECOVERY_SHARES)

    def handle(self, *args: Any, **options: Any) -> None:
        given = options["share"] or [line for line in sys.stdin.read().splitlines() if line.strip()]
        try:
            old_private_key = recover_private_key(given)
        except ShareError as error:
            raise CommandError(str(error), returncode=EXIT_BAD_SHARES) from None
        except VaultError as error:
            raise CommandError(str(error)) from None
        try:
            setup, resealed = rotate_recovery_key(
                recovery_private_key=old_private_key,
                threshold=options["threshold"],
                shares=options["shares"],
            )
        except VaultError as error:
            raise CommandError(str(error)) from None
        finally:
            del old_private_key
        self.stdout.write(
            f"\nNEW RECOVERY KEY {setup.fingerprint}: {setup.threshold} of {len(setup.shares)} "
            f"shares rebuild it; {resealed.count} envelope(s) re-sealed, the old key is "
            "retired.\n"
            "Give each share to a different trustee, on paper, and have the old shares "
            "destroyed. These lines are the only copy.\n"
        )
        for share in setup.shares:
            self.stdout.write(f"  {share}")
        self.stdout.write("")
        report_skipped(self.stderr, resealed.skipped)
