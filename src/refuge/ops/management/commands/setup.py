"""`refuge setup`: prepare an installation (database, catalogues, recovery key)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.vault.api import RecoveryKey, VaultError, create_recovery_key


class Command(BaseCommand):
    help = "Migrate, compile translations, and create the recovery key (printed as shares)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threshold", type=int, default=settings.VAULT_RECOVERY_THRESHOLD)
        parser.add_argument("--shares", type=int, default=settings.VAULT_RECOVERY_SHARES)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("compilecatalogues", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        if RecoveryKey.objects.filter(is_active=True).exists():
            self.stdout.write("The recovery key exists already; no new shares printed.")
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
