"""Grants already opened in a session, kept across its requests without a usable key.

Opening a grant costs an X25519 operation (~50-100 µs); a list of 50 records, each in its own
envelope, pays it 50 times per view. This cache keeps each opened data key in process memory
*wrapped* (XChaCha20-Poly1305) under a key derived from the session cookie, which the server
sees only while that session's request runs. A memory image, or another session, finds only
ciphertext here.

It never replaces the grant check: the keyring still reads the grant row on every request and
only uses an entry made from those exact grant bytes, so revoking, shredding or a password
reset (all of which delete grants) take effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict

from refuge.vault import crypto

MAX_ENTRIES = 50_000
_lock = threading.Lock()
_entries: OrderedDict[bytes, bytes] = OrderedDict()


def session_cache_key(cookie_key: bytes) -> bytes:
    return hmac.new(cookie_key, b"refuge:grant-cache", hashlib.sha256).digest()


def _slot(cache_key: bytes, sealed_key: bytes) -> bytes:
    return hmac.new(cache_key, sealed_key, hashlib.sha256).digest()


def lookup(cache_key: bytes, sealed_key: bytes) -> bytes | None:
    slot = _slot(cache_key, sealed_key)
    with _lock:
        wrapped = _entries.get(slot)
        if wrapped is not None:
            _entries.move_to_end(slot)
    if wrapped is None:
        return None
    try:
        return crypto.aead_decrypt(cache_key, wrapped, associated_data=slot)
    except crypto.DecryptionError:
        return None


def store(cache_key: bytes, sealed_key: bytes, data_key: bytes) -> None:
    slot = _slot(cache_key, sealed_key)
    wrapped = crypto.aead_encrypt(cache_key, data_key, associated_data=slot)
    with _lock:
        _entries[slot] = wrapped
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()
