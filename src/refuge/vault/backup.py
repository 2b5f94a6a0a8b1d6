"""Backup encryption: one file, sealed under a key derived from a passphrase kept off the server.

Layout (all integers big-endian):

    magic "REFUGE-BACKUP\\0" | version (1 byte) | installation id (16 bytes)
    | Argon2id memory KiB (4) | Argon2id iterations (4) | salt (16)
    | nonce (24) || XChaCha20-Poly1305 ciphertext || tag (16)

The whole header is the AEAD's associated data, so neither the installation id nor the KDF
parameters can be changed without the tag failing. A truncated or corrupted file and a wrong
passphrase are each refused before anything is written.

Version 2 (written now) carries what the installation needs to live again elsewhere (its
secret key and signing key) inside the ciphertext, so it opens on any machine with the
passphrase; its installation id only says, in clear, which installation made it (an HMAC
under the secret key: it reveals nothing of the key, and two backups of one installation
show the same id). Version 1 files (no keys inside) still open, on the installation whose
secret key made them only.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from refuge.vault import crypto
from refuge.vault.errors import VaultError

MAGIC = b"REFUGE-BACKUP\x00"
VERSION = 2
# Version 1 backups did not carry the secret key: they open only where it is the same.
BOUND_VERSION = 1
READABLE_VERSIONS = (BOUND_VERSION, VERSION)
INSTALLATION_ID_BYTES = 16
_HEADER = struct.Struct(f">{len(MAGIC)}sB{INSTALLATION_ID_BYTES}sII{crypto.SALT_BYTES}s")
HEADER_BYTES = _HEADER.size
# A backup's key guards everything at once, offline: four times the operators' KDF memory.
BACKUP_MEMORY_FACTOR = 4
# Refuse headers asking for absurd work (a crafted file must not exhaust the machine).
MAX_MEMORY_KIB = 4 * 1024 * 1024
MAX_ITERATIONS = 64


class BackupError(VaultError):
    """A backup cannot be opened; the message is safe to show."""


class BackupFormatError(BackupError):
    def __init__(self) -> None:
        super().__init__(_("This is not a Refuge backup, or the file is truncated."))


class BackupVersionError(BackupError):
    def __init__(self, version: int) -> None:
        super().__init__(
            _("This backup has format %(version)d, which this version of Refuge cannot read.")
            % {"version": version}
        )


class BackupOtherInstallation(BackupError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "This backup belongs to another installation (its secret key "
                "differs). Restore it where REFUGE_SECRET_KEY is the original one."
            )
        )


class BackupWrongPassphrase(BackupError):
    def __init__(self) -> None:
        super().__init__(_("The passphrase is wrong, or the backup was altered or damaged."))


@dataclass(frozen=True, slots=True)
class BackupHeader:
    version: int
    installation_id: bytes
    memory_kib: int
    iterations: int
    salt: bytes

    def pack(self) -> bytes:
        return _HEADER.pack(
            MAGIC, self.version, self.installation_id, self.memory_kib, self.iterations, self.salt
        )


def read_header(blob: bytes) -> BackupHeader:
    """Parse and sanity-check the clear header; raises BackupFormatError/BackupVersionError."""
    if len(blob) < HEADER_BYTES + crypto.NONCE_BYTES + 16:
        raise BackupFormatError
    magic, version, installation_id, memory_kib, iterations, salt = _HEADER.unpack_from(blob)
    if magic != MAGIC:
        raise BackupFormatError
    if version not in READABLE_VERSIONS:
        raise BackupVersionError(version)
    if not (8 <= memory_kib <= MAX_MEMORY_KIB and 1 <= iterations <= MAX_ITERATIONS):
        raise BackupFormatError
    return BackupHeader(version, installation_id, memory_kib, iterations, salt)


def backup_key(passphrase: str, header: BackupHeader) -> bytes:
    """Argon2id of the passphrase with the header's salt and cost."""
    return crypto.derive_key(
        passphrase.encode(), header.salt, memory_kib=header.memory_kib, iterations=header.iterations
    )


def seal_backup(payload: bytes, *, passphrase: str, installation_id: bytes) -> bytes:
    """Encrypt a backup payload; returns the whole file's bytes."""
    if len(installation_id) != INSTALLATION_ID_BYTES:
        raise ValueError("installation id must be 16 bytes")
    header = BackupHeader(
        version=VERSION,
        installation_id=installation_id,
        memory_kib=min(settings.VAULT_KDF_MEMORY_KIB * BACKUP_MEMORY_FACTOR, MAX_MEMORY_KIB),
        iterations=settings.VAULT_KDF_ITERATIONS,
        salt=crypto.random_salt(),
    )
    packed = header.pack()
    return packed + crypto.aead_encrypt(
        backup_key(passphrase, header), payload, associated_data=packed
    )


def open_backup(blob: bytes, *, passphrase: str, installation_id: bytes) -> bytes:
    """Check and decrypt a backup file's bytes; raises a BackupError subclass on any problem.

    `installation_id` (this installation's) is only compared for a version 1 file, which can
    be restored nowhere else.
    """
    header = read_header(blob)
    bound = header.version == BOUND_VERSION
    if bound and not crypto.constant_time_equal(header.installation_id, installation_id):
        raise BackupOtherInstallation
    packed = blob[:HEADER_BYTES]
    try:
        return crypto.aead_decrypt(
            backup_key(passphrase, header), blob[HEADER_BYTES:], associated_data=packed
        )
    except crypto.DecryptionError as error:
        raise BackupWrongPassphrase from error
