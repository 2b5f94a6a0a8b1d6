"""The daily encrypted backup the worker writes (ops.scheduling), with the same code as
`refuge backup`.

Each backup is written to a partial file (mode 600), fsynced, renamed into place, then read
back and decrypted in full: a backup that does not open is an alarm, never a quiet success.
The newest BACKUP_KEEP backups stay; older ones are deleted. The passphrase comes from
REFUGE_BACKUP_PASSPHRASE_FILE (a file only the service user reads), else from
REFUGE_BACKUP_PASSPHRASE; without a folder or a passphrase the job reports "not configured".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from refuge.core.durable import write_atomically
from refuge.core.passphrase import (
    MIN_PASSPHRASE_CHARS,
    PassphraseFileUnreadable,
    configured_passphrase,
)
from refuge.ops.backup import create_backup, verify_backup

PREFIX = "refuge-"
SUFFIX = ".backup"


class BackupNotConfigured(Exception):
    """Scheduled backups are off or misconfigured; `code` says what to fix."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class WrittenBackup:
    path: Path
    size_bytes: int
    objects: int
    pruned: int


def backup_folder() -> Path:
    if not settings.BACKUP_DIR:
        raise BackupNotConfigured("backup_dir_unset")
    folder = Path(settings.BACKUP_DIR)
    if not folder.is_dir():
        raise BackupNotConfigured("backup_dir_missing")
    if not os.access(folder, os.W_OK):
        raise BackupNotConfigured("backup_dir_not_writable")
    return folder


def backup_passphrase() -> str:
    try:
        passphrase = configured_passphrase()
    except PassphraseFileUnreadable:
        raise BackupNotConfigured("passphrase_file_unreadable") from None
    if not passphrase:
        raise BackupNotConfigured("passphrase_unset")
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise BackupNotConfigured("passphrase_too_short")
    return passphrase


def existing_backups(folder: Path) -> list[Path]:
    """Scheduled backups in the folder, oldest first (their names sort by time)."""
    return sorted(
        path
        for path in folder.glob(f"{PREFIX}*{SUFFIX}")
        if path.is_file() and not path.name.endswith(".partial")
    )


def prune_backups(folder: Path, *, keep: int) -> int:
    """Delete all but the newest `keep` scheduled backups; returns how many went."""
    backups = existing_backups(folder)
    old = backups[: max(0, len(backups) - max(1, keep))]
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)


def write_scheduled_backup() -> WrittenBackup:
    """Write, verify by decrypting, and prune. Raises BackupNotConfigured, OSError, or
    BackupError/RestoreRefused when the file written does not open again."""
    folder = backup_folder()
    passphrase = backup_passphrase()
    blob = create_backup(passphrase=passphrase)
    target = folder / f"{PREFIX}{timezone.now():%Y%m%dT%H%M%S%fZ}{SUFFIX}"
    write_atomically(target, blob)
    objects = verify_backup(target.read_bytes(), passphrase=passphrase).objects
    pruned = prune_backups(folder, keep=settings.BACKUP_KEEP)
    return WrittenBackup(path=target, size_bytes=len(blob), objects=objects, pruned=pruned)
