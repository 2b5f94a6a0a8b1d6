"""Reading a backup passphrase: from REFUGE_BACKUP_PASSPHRASE, or typed at the terminal."""

from __future__ import annotations

import getpass
import os

from django.core.management.base import CommandError

PASSPHRASE_VARIABLE = "REFUGE_BACKUP_PASSPHRASE"  # noqa: S105 - a variable name
MIN_PASSPHRASE_CHARS = 12


def read_passphrase(*, confirm: bool) -> str:
    """The environment variable wins (for scheduled backups); otherwise ask, twice to set."""
    configured = os.environ.get(PASSPHRASE_VARIABLE)
    if configured:
        return configured
    try:
        passphrase = getpass.getpass("Backup passphrase: ")
        if confirm and getpass.getpass("Again: ") != passphrase:
            raise CommandError("The two passphrases differ.", returncode=2)
    except (EOFError, KeyboardInterrupt):
        raise CommandError(
            f"No passphrase: set {PASSPHRASE_VARIABLE} or type it.", returncode=2
        ) from None
    return passphrase
