"""Secrets kept between an anonymous reporter's requests, split between server and browser.

The browser holds a random wrapping key in a session cookie; the server (its session row, a
pending-receipt row) holds only what that key encrypted. Neither half alone opens anything,
and the cookie dies with the browser. This is how the mailbox keeps a thread unlocked across
the POST -> 303 -> GET of a receipt, without the thread's data key resting on the server.
"""

from __future__ import annotations

import uuid

from refuge.vault import crypto
from refuge.vault.keyring import current_keyring


def new_wrapping_key() -> bytes:
    return crypto.random_key()


def _label(purpose: str) -> bytes:
    return f"refuge:browser-wrap:{purpose}".encode()


def wrap_secret(wrapping_key: bytes, secret: bytes, *, purpose: str) -> bytes:
    return crypto.aead_encrypt(wrapping_key, secret, associated_data=_label(purpose))


def unwrap_secret(wrapping_key: bytes, blob: bytes, *, purpose: str) -> bytes | None:
    """The secret, or None when the key or blob do not fit (expired, tampered, another tab)."""
    try:
        return crypto.aead_decrypt(wrapping_key, blob, associated_data=_label(purpose))
    except crypto.DecryptionError:
        return None


def wrap_envelope_key(envelope_id: uuid.UUID, wrapping_key: bytes) -> bytes:
    """The envelope's data key (unlocked in the current keyring) under the wrapping key."""
    data_key = current_keyring().data_key(envelope_id)
    return wrap_secret(wrapping_key, data_key, purpose=f"envelope:{envelope_id}")


def unwrap_envelope_key(envelope_id: uuid.UUID, wrapping_key: bytes, blob: bytes) -> bool:
    """Put the envelope's data key back in the current keyring; False when it does not open."""
    data_key = unwrap_secret(wrapping_key, blob, purpose=f"envelope:{envelope_id}")
    if data_key is None:
        return False
    current_keyring().remember(envelope_id, data_key)
    return True
