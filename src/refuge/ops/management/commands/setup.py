"""`refuge setup`: prepare an installation (database, catalogues, recovery key) and print the
disaster kit: what to keep, where and who keeps it (in Russian and English)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.ops.kit import KitFacts, disaster_kit_in_both_languages
from refuge.vault.api import (
    RecoveryKey,
    VaultError,
    create_recovery_key,
    fingerprint,
    signing_public_key,
)


class Command(BaseCommand):
    help = (
        "Migrate, compile translations, create the recovery key (printed as shares) and "
        "print the disaster kit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threshold", type=int, default=settings.VAULT_RECOVERY_THRESHOLD)
        parser.add_argument("--shares", type=int, default=settings.VAULT_RECOVERY_SHARES)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compilecatalogues", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        existing = RecoveryKey.objects.filter(is_active=True).first()
        if existing is not None:
            self.stdout.write("The recovery key exists already; no new shares printed.\n")
            self._print_kit(existing.threshold, existing.share_count)
            return
        try:
            setup = create_recovery_key(threshold=options["threshold"], shares=options["shares"])
        except VaultError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"\nRECOVERY KEY {setup.fingerprint}: {setup.threshold} of {len(setup.shares)} "
            "shares rebuild it.\nGive each share to a different trustee, on paper. "
            "The private key is not stored anywhere: these lines are the only copy.\n"
        )
        for share in setup.shares:
            self.stdout.write(f"  {share}")
        self.stdout.write("")
        self._print_kit(setup.threshold, len(setup.shares))

    def _print_kit(self, threshold: int, shares: int) -> None:
        facts = KitFacts(
            threshold=threshold,
            shares=shares,
            backup_dir=settings.BACKUP_DIR,
            signing_fingerprint=fingerprint(signing_public_key()),
        )
        for line in disaster_kit_in_both_languages(facts):
            self.stdout.write(line)
