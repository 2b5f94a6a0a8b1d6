"""`refuge backup FILE`: write one encrypted, integrity-checked backup of the installation."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    no_translations,
)

from refuge.core.passphrase import MIN_PASSPHRASE_CHARS, read_passphrase
from refuge.ops.backup import create_backup


class Command(BaseCommand):
    help = (
        "Write the database and files, encrypted under a backup passphrase "
        "(REFUGE_BACKUP_PASSPHRASE, or asked for), to FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="where to write the backup")
        parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")

    @no_translations  # the command line speaks English, like Django's own commands
    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["file"])
        self._check_target(target, overwrite=options["overwrite"])
        passphrase = read_passphrase(confirm=True)
        if len(passphrase) < MIN_PASSPHRASE_CHARS:
            raise CommandError(
                f"The backup passphrase needs at least {MIN_PASSPHRASE_CHARS} characters.",
                returncode=2,
            )
        blob = create_backup(passphrase=passphrase)
        partial = target.with_name(target.name + ".partial")
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except (OSError, ValueError) as error:
            with contextlib.suppress(OSError, ValueError):
                partial.unlink(missing_ok=True)
            reason = getattr(error, "strerror", None) or "invalid file name"
            raise CommandError(f"Cannot write the backup: {reason}", returncode=2) from None
        self.stdout.write(f"Backup written to {target} ({len(blob)} bytes).")

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
        if not parent_is_dir or not target.name:
            raise CommandError("The backup's folder does not exist.", returncode=2)
