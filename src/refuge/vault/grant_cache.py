"""Grants already opened in a session, kept across its requests without a usable key.

Opening a grant costs an X25519 operation (~50-100 µs); a list of 50 records, each in its own
envelope, pays it 50 times per view. This cache keeps each opened data key in process memory
*wrapped* (XChaCha20-Poly1305) under a key derived from the session cookie, which the server
sees only while that session's request runs. A memory image, or another session, finds only
ciphertext here.

It never replaces the grant check: the keyring still reads the grant row on every request and
only uses an entry made from those exact grant bytes, so revoking, shredding or a password
reset (all of which delete grants) take effect at once.

What it holds is bounded in time too: an entry lives VAULT_GRANT_CACHE_SECONDS at most; logging
out forgets the session's entries (`forget_session`), and an emergency lock forgets every entry
of the process that ran it at once and of every other process at its next request
(`note_lock_generation`, called by the session guard with the lock's generation).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings

from refuge.vault import crypto

MAX_ENTRIES = 50_000
SWEEP_EVERY_SECONDS = 60


class _Entry(NamedTuple):
    wrapped: bytes
    session: bytes  # names the session's entries for `forget_session`; opens nothing
    expires_at: float  # time.monotonic()


_lock = threading.Lock()
_entries: OrderedDict[bytes, _Entry] = OrderedDict()


@dataclass
class _State:
    generation: int | None = None  # the emergency-lock generation last seen
    swept_at: float = 0.0


_state = _State()


def session_cache_key(cookie_key: bytes) -> bytes:
    return hmac.new(cookie_key, b"refuge:grant-cache", hashlib.sha256).digest()


def _slot(cache_key: bytes, sealed_key: bytes) -> bytes:
    return hmac.new(cache_key, sealed_key, hashlib.sha256).digest()


def _session_tag(cache_key: bytes) -> bytes:
    return hmac.new(cache_key, b"refuge:grant-cache-session", hashlib.sha256).digest()


def lookup(cache_key: bytes, sealed_key: bytes) -> bytes | None:
    slot = _slot(cache_key, sealed_key)
    now = time.monotonic()
    with _lock:
        entry = _entries.get(slot)
        if entry is not None and entry.expires_at <= now:
            del _entries[slot]
            entry = None
        if entry is not None:
            _entries.move_to_end(slot)
    if entry is None:
        return None
    wrapped = entry.wrapped
    try:
        return crypto.aead_decrypt(cache_key, wrapped, associated_data=slot)
    except crypto.DecryptionError:
        return None


def store(cache_key: bytes, sealed_key: bytes, data_key: bytes) -> None:
    slot = _slot(cache_key, sealed_key)
    wrapped = crypto.aead_encrypt(cache_key, data_key, associated_data=slot)
    now = time.monotonic()
    entry = _Entry(wrapped, _session_tag(cache_key), now + settings.VAULT_GRANT_CACHE_SECONDS)
    with _lock:
        _entries[slot] = entry
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
        if now - _state.swept_at >= SWEEP_EVERY_SECONDS:
            _state.swept_at = now
            _drop(lambda item: item.expires_at <= now)


def _drop(condition: Callable[[_Entry], bool]) -> int:
    """Remove the entries matching condition; the caller holds the lock."""
    doomed = [slot for slot, entry in _entries.items() if condition(entry)]
    for slot in doomed:
        del _entries[slot]
    return len(doomed)


def forget_session(cache_key: bytes) -> int:
    """Forget every entry of one session (its logout); returns how many there were."""
    tag = _session_tag(cache_key)
    with _lock:
        return _drop(lambda entry: hmac.compare_digest(entry.session, tag))


def note_lock_generation(generation: int) -> None:
    """Forget everything when the emergency-lock generation moved since this process last
    looked: a lock run by another process or server empties this one's cache too."""
    with _lock:
        if _state.generation is not None and _state.generation != generation:
            _entries.clear()
        _state.generation = generation


def clear() -> None:
    with _lock:
        _entries.clear()
