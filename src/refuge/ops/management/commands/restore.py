"""`refuge restore FILE`: bring back a backup into an empty installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    no_translations,
)

from refuge.core.passphrase import read_passphrase
from refuge.ops.backup import RestoreRefused, restore_backup
from refuge.vault.api import BackupError

MAX_BACKUP_BYTES = 16 * 1024 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Restore a backup written by `refuge backup` into an empty installation "
        "(the same REFUGE_SECRET_KEY; passphrase from REFUGE_BACKUP_PASSPHRASE or asked)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the data of an installation that is not empty",
        )

    @no_translations  # the command line speaks English, like Django's own commands
    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["file"])
        if "\x00" in str(source):
            raise CommandError("Cannot read this file.", returncode=2)
        try:
            if not source.is_file():
                raise CommandError("This is not a file.", returncode=2)
            if source.stat().st_size > MAX_BACKUP_BYTES:
                raise CommandError("This file is too large to be a backup.", returncode=2)
            blob = source.read_bytes()
        except (OSError, ValueError):
            raise CommandError("Cannot read this file.", returncode=2) from None
        call_command("migrate", interactive=False, verbosity=0)
        try:
            summary = restore_backup(
                blob, passphrase=read_passphrase(confirm=False), force=options["force"]
            )
        except (BackupError, RestoreRefused) as error:
            raise CommandError(
                f"Backup refused: {error} Nothing was changed.", returncode=2
            ) from None
        self.stdout.write(
            f"Restored {summary.objects} records and {summary.files} files "
            f"from the backup of {summary.created_at}. Everyone must log in again."
        )
