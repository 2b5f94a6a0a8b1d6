"""The keys unlocked for one request or one command, held in a context variable.

A keyring lives only for the request that the KeyringMiddleware activates it for; between
requests the operator's private key exists only wrapped under a key held in the browser's
session cookie (vault.middleware, vault.operators), so a server at rest holds no usable key.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from refuge.vault import crypto, grant_cache
from refuge.vault.errors import AccessDenied, VaultLocked

# Envelope grants nest (a message under its mailbox under its thread); a chain longer than
# this is refused rather than followed, so a loop of grants cannot recurse for ever.
MAX_PARENT_DEPTH = 4


def parent_grant_label(envelope_id: uuid.UUID, parent_id: uuid.UUID) -> bytes:
    """Associated data of a key sealed under a parent's key: it opens for this pair only."""
    return f"refuge:envelope-grant:{envelope_id}:{parent_id}".encode()


@dataclass(eq=False)
class Keyring:
    operator_id: int | None = None
    private_key: bytes | None = field(default=None, repr=False)
    recovery_private_key: bytes | None = field(default=None, repr=False)
    # Derived from the session cookie: wraps opened grants in vault.grant_cache.
    session_cache_key: bytes | None = field(default=None, repr=False)
    # The blind index key (a vault.blind.IndexKey), whether its grants were synced, and the
    # indexes computed during this request (each costs an Argon2id run; vault.blind).
    index_key: Any = field(default=None, repr=False)
    index_grants_synced: bool = False
    index_memo: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    # Data keys opened or created during this request, by envelope id.
    _data_keys: dict[uuid.UUID, bytes] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return f"Keyring(operator_id={self.operator_id}, keys={len(self._data_keys)})"

    def remember(self, envelope_id: uuid.UUID, data_key: bytes) -> None:
        self._data_keys[envelope_id] = data_key

    def known_key(self, envelope_id: uuid.UUID) -> bytes | None:
        return self._data_keys.get(envelope_id)

    def forget(self, envelope_id: uuid.UUID) -> None:
        self._data_keys.pop(envelope_id, None)

    def preload(self, envelope_ids: Iterable[uuid.UUID | None]) -> None:
        """Open this reader's grants for many envelopes with one query (a list page), then
        the grants under envelopes already open (a thread's messages under the thread).

        Grants that do not open are left alone: reading the record reports and audits them.
        """
        missing = {i for i in envelope_ids if i is not None and i not in self._data_keys}
        if not missing:
            return
        from refuge.vault.models import Grant, GrantKind

        if self.private_key is not None and self.operator_id is not None:
            grants = Grant.objects.filter(
                envelope_id__in=missing, kind=GrantKind.OPERATOR, operator_id=self.operator_id
            ).values_list("envelope_id", "sealed_key")
            for envelope_id, sealed_key in grants:
                with contextlib.suppress(crypto.DecryptionError):
                    self._open_grant(envelope_id, self.private_key, bytes(sealed_key))
        missing -= set(self._data_keys)
        if not missing or not self._data_keys:
            return
        children = Grant.objects.filter(
            envelope_id__in=missing, kind=GrantKind.ENVELOPE, parent_id__in=list(self._data_keys)
        ).values_list("envelope_id", "parent_id", "sealed_key")
        for envelope_id, parent_id, sealed_key in children:
            if envelope_id not in self._data_keys:
                with contextlib.suppress(crypto.DecryptionError):
                    self._open_child(envelope_id, parent_id, bytes(sealed_key))

    def forget_all(self) -> None:
        self._data_keys.clear()
        self.index_key = None
        self.index_memo.clear()
        self.private_key = None
        self.recovery_private_key = None
        self.session_cache_key = None

    def data_key(self, envelope_id: uuid.UUID, *, _depth: int = 0) -> bytes:
        """Return the envelope's data key, opening this reader's grant if needed.

        Tried in order: a key already open, the reader's own grant, the recovery grant (during
        recovery), then grants sealed under a parent envelope that this keyring can open.
        """
        cached = self._data_keys.get(envelope_id)
        if cached is not None:
            return cached
        from refuge.vault.models import Grant, GrantKind  # models load after apps are ready

        if self.private_key is not None and self.operator_id is not None:
            grant = Grant.objects.filter(
                envelope_id=envelope_id, kind=GrantKind.OPERATOR, operator_id=self.operator_id
            ).first()
            if grant is not None:
                return self._open_grant(envelope_id, self.private_key, bytes(grant.sealed_key))
        if self.recovery_private_key is not None:
            grant = Grant.objects.filter(envelope_id=envelope_id, kind=GrantKind.RECOVERY).first()
            if grant is not None:
                key = self.recovery_private_key
                return self._open_grant(envelope_id, key, bytes(grant.sealed_key))
        if self.private_key is None and self.recovery_private_key is None and not self._data_keys:
            raise VaultLocked("No key is unlocked.")
        if _depth < MAX_PARENT_DEPTH:
            parents = Grant.objects.filter(
                envelope_id=envelope_id, kind=GrantKind.ENVELOPE
            ).values_list("parent_id", "sealed_key")
            for parent_id, sealed_key in parents:
                try:
                    self.data_key(parent_id, _depth=_depth + 1)
                except AccessDenied:
                    continue
                return self._open_child(envelope_id, parent_id, bytes(sealed_key))
        raise AccessDenied(envelope_id)

    def _open_child(self, envelope_id: uuid.UUID, parent_id: uuid.UUID, sealed: bytes) -> bytes:
        parent_key = self._data_keys[parent_id]
        data_key = crypto.aead_decrypt(
            parent_key, sealed, associated_data=parent_grant_label(envelope_id, parent_id)
        )
        self._data_keys[envelope_id] = data_key
        return data_key

    def _open_grant(self, envelope_id: uuid.UUID, private_key: bytes, sealed: bytes) -> bytes:
        cache_key = self.session_cache_key if private_key is self.private_key else None
        data_key = grant_cache.lookup(cache_key, sealed) if cache_key else None
        if data_key is None:
            data_key = crypto.open_sealed(private_key, sealed)
            if cache_key:
                grant_cache.store(cache_key, sealed, data_key)
        self._data_keys[envelope_id] = data_key
        return data_key


_current: contextvars.ContextVar[Keyring | None] = contextvars.ContextVar(
    "refuge_keyring", default=None
)


def current_keyring() -> Keyring:
    keyring = _current.get()
    if keyring is None:
        raise VaultLocked("No keyring is active in this context.")
    return keyring


def current_operator_id() -> int | None:
    keyring = _current.get()
    return keyring.operator_id if keyring is not None else None


@contextlib.contextmanager
def activated(keyring: Keyring) -> Iterator[Keyring]:
    """Make this keyring current for the block; forget every key when it ends."""
    token = _current.set(keyring)
    try:
        yield keyring
    finally:
        _current.reset(token)
        keyring.forget_all()
