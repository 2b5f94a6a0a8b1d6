"""`refuge reindex`: every blind index again, under a new key, with the configured Argon2id cost.

The upgrade path from the one-HMAC indexes made before the Argon2id index, and the way to change the
cost or retire a key that may have leaked (a coerced operator). Indexes cannot be recomputed
from indexes: the values must be read, so the command runs with the recovery key (k trustees'
shares), which opens every record's recovery grant.

Each app that stores blind indexes names a module in settings.VAULT_BLIND_INDEX_SOURCES with
two functions, so the vault never imports the apps above it:

    def indexed_values() -> Iterable[IndexedValue]   # every stored index's value, read again
    def store_indexes(indexes: Mapping[Hashable, str | None]) -> None
        # the new index per reference; None: the value can no longer be read (its record was
        # shredded), so its old index is dropped: nothing could ever match it again

The slow part (one Argon2id per value) runs outside any write transaction; then one short
transaction recomputes only what changed meanwhile, stores every index, points the index key
at a new envelope (sealed to the operators who match identifiers and to the recovery key) and
shreds the old one. Requests that computed an index with the old key during the run find no
match for it after the switch (the same as a number never seen before); run it when the
hotline is quiet.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from types import ModuleType

from django.conf import settings
from django.db import transaction

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.vault import crypto
from refuge.vault.blind import (
    IndexKey,
    IndexKind,
    compute_index,
    configured_parameters,
    entitled_operators,
    normalise,
)
from refuge.vault.envelopes import create_envelope, shred
from refuge.vault.keyring import Keyring, activated
from refuge.vault.models import BlindIndexKey, IndexScheme, Purpose

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class IndexedValue:
    """One stored index: where it is, and the value it indexes (None when unreadable)."""

    reference: Hashable
    kind: str  # an IndexKind
    value: str | None  # what the app passes to vault.blind_index for this row


@dataclass(frozen=True, slots=True)
class ReindexResult:
    indexes: int
    dropped: int  # values that could no longer be read: their indexes were removed
    previous_scheme: str  # "" when there was no index key yet
    scheme: str
    memory_kib: int
    iterations: int
    seconds: float


def _sources() -> list[ModuleType]:
    return [importlib.import_module(path) for path in settings.VAULT_BLIND_INDEX_SOURCES]


def _index(index_key: IndexKey, item: IndexedValue) -> str | None:
    if item.value is None:
        return None
    normalised = normalise(item.kind, item.value)
    return compute_index(index_key, IndexKind(item.kind), normalised) if normalised else None


def _computed_ahead(
    index_key: IndexKey, sources: list[ModuleType], progress: Progress | None
) -> dict[tuple[int, Hashable], tuple[IndexedValue, str | None]]:
    ahead: dict[tuple[int, Hashable], tuple[IndexedValue, str | None]] = {}
    for number, source in enumerate(sources):
        for item in source.indexed_values():
            ahead[(number, item.reference)] = (item, _index(index_key, item))
            if progress is not None:
                progress(len(ahead))
    return ahead


def reindex(*, recovery_private_key: bytes, progress: Progress | None = None) -> ReindexResult:
    """Recompute every stored blind index under a new key (see the module docstring)."""
    started = time.monotonic()
    memory_kib, iterations = configured_parameters()
    sources = _sources()
    with activated(Keyring(recovery_private_key=recovery_private_key)):
        new_key = crypto.random_key()
        index_key = IndexKey(
            envelope_id=None,
            key=new_key,
            scheme=IndexScheme.ARGON2ID,
            memory_kib=memory_kib,
            iterations=iterations,
        )
        ahead = _computed_ahead(index_key, sources, progress)
        counts, previous = _switch(index_key, sources, ahead)
    return ReindexResult(
        indexes=counts[0],
        dropped=counts[1],
        previous_scheme=previous,
        scheme=IndexScheme.ARGON2ID,
        memory_kib=memory_kib,
        iterations=iterations,
        seconds=round(time.monotonic() - started, 1),
    )


@transaction.atomic
def _switch(
    index_key: IndexKey,
    sources: list[ModuleType],
    ahead: Mapping[tuple[int, Hashable], tuple[IndexedValue, str | None]],
) -> tuple[tuple[int, int], str]:
    row = BlindIndexKey.objects.select_for_update().filter(name="default").first()
    stored = dropped = 0
    for number, source in enumerate(sources):
        indexes: dict[Hashable, str | None] = {}
        for item in source.indexed_values():
            known = ahead.get((number, item.reference))
            same = known is not None and known[0] == item
            indexes[item.reference] = known[1] if same and known else _index(index_key, item)
        source.store_indexes(indexes)
        stored += sum(index is not None for index in indexes.values())
        dropped += sum(index is None for index in indexes.values())
    envelope = create_envelope(
        purpose=Purpose.BLIND_INDEX, readers=entitled_operators(), data_key=index_key.key
    )
    previous = ""
    if row is None:
        BlindIndexKey.objects.create(
            name="default",
            envelope=envelope,
            scheme=index_key.scheme,
            memory_kib=index_key.memory_kib,
            iterations=index_key.iterations,
        )
    else:
        previous, old_envelope = row.scheme, row.envelope_id
        row.envelope, row.scheme = envelope, index_key.scheme
        row.memory_kib, row.iterations = index_key.memory_kib, index_key.iterations
        row.save(update_fields=["envelope", "scheme", "memory_kib", "iterations"])
        shred(old_envelope, actor=None)
    record_event(
        AuditAction.BLIND_INDEX_REKEYED,
        target_type="vault.Envelope",
        target_id=str(envelope.pk),
        details={
            "indexes": stored,
            "dropped": dropped,
            "previous": previous or "none",
            "scheme": index_key.scheme,
            "memory_kib": index_key.memory_kib,
            "iterations": index_key.iterations,
        },
    )
    return (stored, dropped), previous
