"""`refuge restore FILE`: bring back a backup into an empty installation, on any machine.

A backup carries the installation's secret key and signing key (under its passphrase): the
restore writes them into this data directory, so this installation becomes the old one. The
processes already running (serve, worker) still hold the key they started with: the command
says to restart them. When REFUGE_SECRET_KEY is set in the environment it overrides the key
file, and the command says how to set it instead.
"""

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
from refuge.ops.backup import (
    RestoreIncomplete,
    RestoreRefused,
    RestoreSummary,
    read_backup_file,
    restore_backup,
)
from refuge.vault.api import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup written by `refuge backup` into an empty installation, with the "
        "installation's keys it carries (passphrase from REFUGE_BACKUP_PASSPHRASE_FILE, "
        "REFUGE_BACKUP_PASSPHRASE, or asked)."
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
        blob = read_backup_file(Path(options["file"]))
        call_command("migrate", interactive=False, verbosity=0)
        try:
            summary = restore_backup(
                blob, passphrase=read_passphrase(confirm=False), force=options["force"]
            )
        except (BackupError, RestoreRefused) as error:
            raise CommandError(
                f"Backup refused: {error} Nothing was changed.", returncode=2
            ) from None
        except RestoreIncomplete as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(
            f"Restored {summary.objects} records and {summary.files} files "
            f"from the backup of {summary.created_at}. Everyone must log in again."
        )
        if summary.keys_changed:
            self._report_keys(summary)
        self.stdout.write(
            "Next: `refuge recover --operator COORDINATOR` with k recovery shares, then "
            "`refuge audit verify`."
        )

    def _report_keys(self, summary: RestoreSummary) -> None:
        self.stdout.write(
            f"The installation's secret key and signing key were restored from the backup "
            f"(secret key written to {summary.secret_key_file}, mode 600)."
        )
        if summary.environment_overrides_key:
            self.stderr.write(
                "ACTION NEEDED: REFUGE_SECRET_KEY is set in the environment and overrides "
                f"that file. Set REFUGE_SECRET_KEY to the content of {summary.secret_key_file} "
                "(or unset it) for every Refuge process: until then Refuge commands refuse to "
                "run (check refuge.ops.E005), since with the old value new audit entries would "
                "not verify and receipts would not open mailboxes."
            )
        self.stderr.write(
            "RESTART every Refuge process running with this data directory (refuge serve, "
            "refuge worker) now: they still hold the key they started with."
        )
