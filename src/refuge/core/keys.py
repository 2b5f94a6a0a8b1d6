"""Keys derived from the installation's SECRET_KEY, each under a purpose label of its own.

The one derivation in Refuge: a keyed hash needing no stored key (the audit chain's MAC,
lockout and rate-limit counters, the documentation name index, the receipt salt) asks here
for `derived_key(purpose)`, so two purposes never share a key and a copy of the database
without REFUGE_SECRET_KEY computes none of them. It lives in core because the audit log,
below the vault, needs it; everything above reaches it through `refuge.vault.api`.

The constructions are those the values already stored were made with (audit MACs, lockout
counters, receipts, backups): changing one would break what is stored.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def derived_key(purpose: str, *context: str) -> bytes:
    """SHA-256 of "refuge-<purpose>:", the secret key, and ":<context>" for each context."""
    suffix = "".join(f":{part}" for part in context)
    return hashlib.sha256(f"refuge-{purpose}:{settings.SECRET_KEY}{suffix}".encode()).digest()


def keyed_digest(purpose: str, message: bytes | str, *context: str) -> str:
    """HMAC-SHA-256 (hex) of `message` under the key derived for `purpose` (and `context`)."""
    data = message.encode() if isinstance(message, str) else message
    return hmac.new(derived_key(purpose, *context), data, hashlib.sha256).hexdigest()


def installation_id() -> bytes:
    """A stable identifier of this installation, derived from its secret key (not secret).

    HMAC of a fixed label under the secret key itself: the construction backups already carry.
    """
    return hmac.new(
        settings.SECRET_KEY.encode(), b"refuge-installation-id", hashlib.sha256
    ).digest()[:16]
