"""The vault's public API: the only door to keys and ciphers for the rest of Refuge.

Feature apps use these names and `refuge.vault.fields`; they never see a key.
"""

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
from refuge.vault.receipts import (
    ReceiptSecrets,
    add_receipt_grant,
    derive_receipt_secrets,
    new_receipt,
    normalise_receipt,
    unlock_with_receipt,
)
from refuge.vault.referral import (
    new_partner_keypair,
    open_partner_package,
    parse_partner_public_key,
    seal_for_partner,
)

__all__ = [
    "AccessDenied",
    "Envelope",
    "Keyring",
    "Purpose",
    "ReceiptSecrets",
    "SealedTextField",
    "Unreadable",
    "UnreadableRecord",
    "VaultError",
    "VaultLocked",
    "WrongPassword",
    "activated",
    "add_receipt_grant",
    "can_read",
    "create_envelope",
    "create_operator_key",
    "current_keyring",
    "current_operator_id",
    "decrypt_bytes",
    "derive_receipt_secrets",
    "encrypt_bytes",
    "has_operator_key",
    "is_readable",
    "new_partner_keypair",
    "new_receipt",
    "normalise_receipt",
    "open_partner_package",
    "parse_partner_public_key",
    "readers_of",
    "revoke",
    "rewrap_operator_key",
    "seal_for_partner",
    "share",
    "shred",
    "unlock_for_session",
    "unlock_private_key",
    "unlock_with_receipt",
]
