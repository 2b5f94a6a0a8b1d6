"""`refuge backup FILE`: write one encrypted, integrity-checked backup of the installation.

`refuge backup verify FILE` checks a backup end to end without restoring it (decryption,
every file's and the database's digest, every row against this code's models, the schema
against this code's migrations) and prints what it holds; exit code 1 says it is unusable.
(To write a backup to a file called "verify", write `./verify`.)
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    no_translations,
)
from django.utils import timezone

from refuge.core.durable import NotARegularFile, refuse_special_file, write_atomically
from refuge.core.passphrase import MIN_PASSPHRASE_CHARS, read_passphrase
from refuge.ops.backup import RestoreRefused, create_backup, read_backup_file, verify_backup
from refuge.vault.api import BackupError

EXIT_UNUSABLE = 1


class Command(BaseCommand):
    help = (
        "Write the database and files, encrypted under a backup passphrase "
        "(REFUGE_BACKUP_PASSPHRASE_FILE, REFUGE_BACKUP_PASSPHRASE, or asked for), to FILE; "
        "or `verify FILE`: check a backup end to end without restoring it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            nargs="?",
            help="where to write the backup (default: a new file in REFUGE_BACKUP_DIR); or verify",
        )
        parser.add_argument("checked", nargs="?", help="with verify: the backup to check")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")

    @no_translations  # the command line speaks English, like Django's own commands
    def handle(self, *args: Any, **options: Any) -> None:
        if options["checked"] is not None or options["file"] == "verify":
            if options["file"] != "verify" or options["checked"] is None:
                raise CommandError(
                    "Usage: refuge backup [FILE] | refuge backup verify FILE", returncode=2
                )
            self._verify(Path(options["checked"]))
            return
        target = Path(options["file"]) if options["file"] else self._scheduled_target()
        self._check_target(target, overwrite=options["overwrite"])
        passphrase = read_passphrase(confirm=True)
        if len(passphrase) < MIN_PASSPHRASE_CHARS:
            raise CommandError(
                f"The backup passphrase needs at least {MIN_PASSPHRASE_CHARS} characters.",
                returncode=2,
            )
        blob = create_backup(passphrase=passphrase)
        try:
            write_atomically(target, blob)
        except (OSError, ValueError) as error:
            reason = getattr(error, "strerror", None) or "invalid file name"
            raise CommandError(f"Cannot write the backup: {reason}", returncode=2) from None
        self.stdout.write(f"Backup written to {target} ({len(blob)} bytes).")

    def _verify(self, source: Path) -> None:
        blob = read_backup_file(source)
        try:
            contents = verify_backup(blob, passphrase=read_passphrase(confirm=False))
        except (BackupError, RestoreRefused) as error:
            raise CommandError(f"Backup NOT usable: {error}", returncode=EXIT_UNUSABLE) from None
        keys = (
            "it carries the installation's keys (restorable on a new machine)"
            if contents.carries_keys
            else "format 1: restorable only where REFUGE_SECRET_KEY is the original one"
        )
        self.stdout.write(
            f"Backup OK: made {contents.created_at}; {contents.objects} records, "
            f"{contents.files} files, {contents.migrations} migrations; {keys}."
        )
        for label, count in contents.objects_by_model.items():
            self.stdout.write(f"  {label}: {count}")

    @staticmethod
    def _scheduled_target() -> Path:
        if not settings.BACKUP_DIR:
            raise CommandError(
                "Name the backup FILE, or set REFUGE_BACKUP_DIR for scheduled backups.",
                returncode=2,
            )
        stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        return Path(settings.BACKUP_DIR) / f"refuge-{stamp}.backup"

    @staticmethod
    def _check_target(target: Path, *, overwrite: bool) -> None:
        if "\x00" in str(target):
            raise CommandError("This is not a usable file name.", returncode=2)
        try:
            exists = target.exists()
            parent_is_dir = target.parent.is_dir()
        except (OSError, ValueError):
            raise CommandError("This is not a usable file name.", returncode=2) from None
        if exists and not overwrite:
            raise CommandError("The file exists; pass --overwrite to replace it.", returncode=2)
        try:
            refuse_special_file(target)
        except NotARegularFile:
            raise CommandError(
                "A backup is written to a regular file; this is a device, a pipe or a folder.",
                returncode=2,
            ) from None
        if not parent_is_dir or not target.name:
            raise CommandError("The backup's folder does not exist.", returncode=2)
