"""Receipts: what an anonymous reporter remembers to reopen their thread.

16 random digits in four groups (53 bits). A digit string is what a frightened person on a
cheap phone can memorise and type on a numeric keypad; 53 bits alone would fall to an offline
guesser, so every use runs Argon2id (m=46 MiB, t=1: OWASP's minimum), making 2^52 guesses
cost about 2^52 x 0.1 s of a core each. One derivation yields both the lookup tag that finds
the thread and the key that opens the thread's receipt grant; the receipt is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings

from refuge.core.keys import derived_key
from refuge.vault import crypto
from refuge.vault.errors import AccessDenied
from refuge.vault.keyring import current_keyring
from refuge.vault.models import Envelope, Grant, GrantKind

RECEIPT_DIGITS = 16
OWASP_RECEIPT_MEMORY_KIB = 47_104


@dataclass(frozen=True, slots=True)
class ReceiptSecrets:
    lookup: str
    key: bytes = field(repr=False)


def new_receipt() -> str:
    digits = "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))
    return " ".join(digits[i : i + 4] for i in range(0, RECEIPT_DIGITS, 4))


def normalise_receipt(text: str) -> str | None:
    """Digits only; None when it cannot be a receipt (callers still derive, for equal timing)."""
    digits = "".join(character for character in text if character.isdigit())
    return digits if len(digits) == RECEIPT_DIGITS and digits.isascii() else None


def _installation_salt() -> bytes:
    return derived_key("receipt-salt")[:16]


def derive_receipt_secrets(receipt: str) -> ReceiptSecrets:
    """One Argon2id derivation; malformed input is derived too, so timing reveals nothing."""
    digits = normalise_receipt(receipt) or "0" * RECEIPT_DIGITS + "x"
    memory_kib = OWASP_RECEIPT_MEMORY_KIB
    if settings.VAULT_ALLOW_WEAK_KDF:
        memory_kib = settings.VAULT_KDF_MEMORY_KIB
    master = crypto.derive_key(
        digits.encode(), _installation_salt(), memory_kib=memory_kib, iterations=1
    )
    return ReceiptSecrets(
        lookup=hmac.new(master, b"lookup", hashlib.sha256).hexdigest(),
        key=hmac.new(master, b"key", hashlib.sha256).digest(),
    )


def _label(envelope_id: uuid.UUID) -> bytes:
    return f"refuge:receipt-grant:{envelope_id}".encode()


def add_receipt_grant(envelope: Envelope, receipt_secrets: ReceiptSecrets) -> None:
    """Seal the envelope's data key to the reporter's receipt-derived key."""
    data_key = current_keyring().data_key(envelope.pk)
    Grant.objects.create(
        envelope=envelope,
        kind=GrantKind.RECEIPT,
        sealed_key=crypto.aead_encrypt(
            receipt_secrets.key, data_key, associated_data=_label(envelope.pk)
        ),
    )


def unlock_with_receipt(envelope_id: uuid.UUID, receipt_secrets: ReceiptSecrets) -> None:
    """Put the envelope's data key in the current keyring, or raise AccessDenied."""
    grant = Grant.objects.filter(envelope_id=envelope_id, kind=GrantKind.RECEIPT).first()
    if grant is None:
        raise AccessDenied(envelope_id)
    try:
        data_key = crypto.aead_decrypt(
            receipt_secrets.key, bytes(grant.sealed_key), associated_data=_label(envelope_id)
        )
    except crypto.DecryptionError as error:
        raise AccessDenied(envelope_id) from error
    current_keyring().remember(envelope_id, data_key)
