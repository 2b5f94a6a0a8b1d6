"""The vault's public API: the only door to keys and ciphers for the rest of Refuge.

Feature apps use these names and `refuge.vault.fields`; they never see a key.
"""

from refuge.core.keys import derived_key, installation_id, keyed_digest
from refuge.vault.backup import BackupError, open_backup, seal_backup
from refuge.vault.blind import (
    IndexKind,
    blind_index,
    normalise,
    register_index_readers,
    sync_blind_index_grants,
)
from refuge.vault.envelopes import (
    add_parent_grant,
    can_read,
    create_envelope,
    decrypt_bytes,
    drop_parent_grant,
    encrypt_bytes,
    granted_envelopes,
    preload,
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
from refuge.vault.files import (
    delete_file,
    read_bytes,
    read_file,
    remove_bytes,
    store_bytes,
    store_file,
)
from refuge.vault.grant_cache import clear as forget_cached_grants
from refuge.vault.grant_cache import note_lock_generation
from refuge.vault.keyring import Keyring, activated, current_keyring, current_operator_id
from refuge.vault.middleware import (
    SESSION_BLOB_KEY,
    end_session_unlock,
    forget_session_grants,
    secret_unlock,
    session_keyring,
    session_secret,
    store_session_unlock,
)
from refuge.vault.models import Envelope, Grant, GrantKind, Purpose, RecoveryKey, SealedFile
from refuge.vault.operators import (
    SessionUnlock,
    create_operator_key,
    has_operator_key,
    rewrap_operator_key,
    unlock_for_session,
    unlock_private_key,
)
from refuge.vault.personal import (
    open_for_operator,
    seal_for_operator,
    seal_to_public_key,
    unwrap_with_password,
    wrap_with_password,
)
from refuge.vault.receipts import (
    ReceiptSecrets,
    add_receipt_grant,
    derive_receipt_secrets,
    new_receipt,
    normalise_receipt,
    unlock_with_receipt,
)
from refuge.vault.recovery import (
    ShareError,
    create_recovery_key,
    recover_private_key,
    report_skipped,
    restore_access,
    rotate_recovery_key,
)
from refuge.vault.referral import (
    fingerprints_match,
    new_partner_keypair,
    open_partner_package,
    parse_partner_public_key,
    partner_key_fingerprint,
    seal_for_partner,
)
from refuge.vault.reindex import IndexedValue
from refuge.vault.server_secrets import open_server_secret, seal_server_secret
from refuge.vault.signing import Signature, fingerprint
from refuge.vault.signing import export_seed as signing_key_seed
from refuge.vault.signing import install_seed as install_signing_key_seed
from refuge.vault.signing import public_key as signing_public_key
from refuge.vault.signing import sign as sign_statement
from refuge.vault.signing import verify as verify_statement
from refuge.vault.wrapping import (
    new_wrapping_key,
    unwrap_envelope_key,
    unwrap_secret,
    wrap_envelope_key,
    wrap_secret,
)

__all__ = [
    "SESSION_BLOB_KEY",
    "AccessDenied",
    "BackupError",
    "Envelope",
    "Grant",
    "GrantKind",
    "IndexKind",
    "IndexedValue",
    "Keyring",
    "Purpose",
    "ReceiptSecrets",
    "RecoveryKey",
    "SealedFile",
    "SealedTextField",
    "SessionUnlock",
    "ShareError",
    "Signature",
    "Unreadable",
    "UnreadableRecord",
    "VaultError",
    "VaultLocked",
    "WrongPassword",
    "activated",
    "add_parent_grant",
    "add_receipt_grant",
    "blind_index",
    "can_read",
    "create_envelope",
    "create_operator_key",
    "create_recovery_key",
    "current_keyring",
    "current_operator_id",
    "decrypt_bytes",
    "delete_file",
    "derive_receipt_secrets",
    "derived_key",
    "drop_parent_grant",
    "encrypt_bytes",
    "end_session_unlock",
    "fingerprint",
    "fingerprints_match",
    "forget_cached_grants",
    "forget_session_grants",
    "granted_envelopes",
    "has_operator_key",
    "install_signing_key_seed",
    "installation_id",
    "is_readable",
    "keyed_digest",
    "new_partner_keypair",
    "new_receipt",
    "new_wrapping_key",
    "normalise",
    "normalise_receipt",
    "note_lock_generation",
    "open_backup",
    "open_for_operator",
    "open_partner_package",
    "open_server_secret",
    "parse_partner_public_key",
    "partner_key_fingerprint",
    "preload",
    "read_bytes",
    "read_file",
    "readers_of",
    "recover_private_key",
    "register_index_readers",
    "remove_bytes",
    "report_skipped",
    "restore_access",
    "revoke",
    "rewrap_operator_key",
    "rotate_recovery_key",
    "seal_backup",
    "seal_for_operator",
    "seal_for_partner",
    "seal_server_secret",
    "seal_to_public_key",
    "secret_unlock",
    "session_keyring",
    "session_secret",
    "share",
    "shred",
    "sign_statement",
    "signing_key_seed",
    "signing_public_key",
    "store_bytes",
    "store_file",
    "store_session_unlock",
    "sync_blind_index_grants",
    "unlock_for_session",
    "unlock_private_key",
    "unlock_with_receipt",
    "unwrap_envelope_key",
    "unwrap_secret",
    "unwrap_with_password",
    "verify_statement",
    "wrap_envelope_key",
    "wrap_secret",
    "wrap_with_password",
]
