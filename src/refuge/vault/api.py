"""The vault's public API: the only door to keys and ciphers for the rest of Refuge.

Feature apps use these names and `refuge.vault.fields`; they never see a key.
"""

# Backups (refuge.core.backup): sealed under a passphrase-derived key, bound to the installation.
from refuge.vault.backup import BackupError, open_backup, seal_backup
from refuge.vault.envelopes import (
    can_read,
    create_envelope,
    decrypt_bytes,
    encrypt_bytes,
    readers_of,
    revoke,
    share,
    shred,
)
from refuge.vault.errors import (
    AccessDenied,
    UnreadableRecord,
    VaultError,
    VaultLocked,
    WrongPassword,
)
from refuge.vault.fields import SealedTextField, Unreadable, is_readable
from refuge.vault.keyring import Keyring, activated, current_keyring, current_operator_id
from refuge.vault.models import Envelope, Purpose
from refuge.vault.operators import (
    create_operator_key,
    has_operator_key,
    rewrap_operator_key,
    unlock_for_session,
    unlock_private_key,
)

__all__ = [  # noqa: RUF022 - the backup names are grouped so the vault's own list stays apart
    "BackupError",
    "open_backup",
    "seal_backup",
    "AccessDenied",
    "Envelope",
    "Keyring",
    "Purpose",
    "SealedTextField",
    "Unreadable",
    "UnreadableRecord",
    "VaultError",
    "VaultLocked",
    "WrongPassword",
    "activated",
    "can_read",
    "create_envelope",
    "create_operator_key",
    "current_keyring",
    "current_operator_id",
    "decrypt_bytes",
    "encrypt_bytes",
    "has_operator_key",
    "is_readable",
    "readers_of",
    "revoke",
    "rewrap_operator_key",
    "share",
    "shred",
    "unlock_for_session",
    "unlock_private_key",
]
