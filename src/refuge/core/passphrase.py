"""Reading a backup passphrase: from the file REFUGE_BACKUP_PASSPHRASE_FILE names (a file only
the service user reads), else REFUGE_BACKUP_PASSPHRASE, else typed at the terminal. The
scheduled backup and the `backup`/`restore` commands read it the same way."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

PASSPHRASE_VARIABLE = "REFUGE_BACKUP_PASSPHRASE"  # noqa: S105 - a variable name
PASSPHRASE_FILE_VARIABLE = "REFUGE_BACKUP_PASSPHRASE_FILE"  # noqa: S105 - a variable name
MIN_PASSPHRASE_CHARS = 12


class PassphraseFileUnreadable(Exception):
    """REFUGE_BACKUP_PASSPHRASE_FILE names a file this process cannot read."""


def configured_passphrase() -> str:
    """The passphrase the installation is configured with, or "" when none is.

    The file wins over the variable (a file keeps it out of the process environment); its
    surrounding whitespace (a final newline) is not part of it. Raises PassphraseFileUnreadable.
    """
    if settings.BACKUP_PASSPHRASE_FILE:
        try:
            text = Path(settings.BACKUP_PASSPHRASE_FILE).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise PassphraseFileUnreadable from None
        return text.strip()
    return os.environ.get(PASSPHRASE_VARIABLE, "")


def read_passphrase(*, confirm: bool) -> str:
    """The configured passphrase wins (for scheduled and unattended runs); otherwise ask,
    twice to set."""
    try:
        configured = configured_passphrase()
    except PassphraseFileUnreadable:
        raise CommandError(
            f"Cannot read the passphrase file {PASSPHRASE_FILE_VARIABLE} names.", returncode=2
        ) from None
    if configured:
        return configured
    try:
        passphrase = getpass.getpass("Backup passphrase: ")
        if confirm and getpass.getpass("Again: ") != passphrase:
            raise CommandError("The two passphrases differ.", returncode=2)
    except (EOFError, KeyboardInterrupt):
        raise CommandError(
            f"No passphrase: set {PASSPHRASE_FILE_VARIABLE} or {PASSPHRASE_VARIABLE}, or type it.",
            returncode=2,
        ) from None
    return passphrase
