"""The hotline's blind indexes for `refuge reindex` (vault/reindex.py describes the protocol).

Every Identifier keeps its value sealed beside its index, so the index is made again from the
value, normalised as `identifiers.index_of` does. An identifier whose value cannot be read any
more (its record was shredded) loses its index: nothing could match it again.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping

from refuge.hotline.errors import InvalidIdentifier
from refuge.hotline.identifiers import VAULT_KIND, normalise
from refuge.hotline.models import Identifier, IdentifierKind
from refuge.vault import api as vault
from refuge.vault.api import IndexedValue


def indexed_values() -> Iterator[IndexedValue]:
    for identifier in Identifier.objects.order_by("pk").iterator(chunk_size=500):
        kind = IdentifierKind(identifier.kind)
        value: str | None = identifier.value
        if value is not None and vault.is_readable(value):
            try:
                value = normalise(kind, value)
            except InvalidIdentifier:
                value = None
        else:
            value = None
        yield IndexedValue(reference=identifier.pk, kind=VAULT_KIND[kind], value=value)


def store_indexes(indexes: Mapping[Hashable, str | None]) -> None:
    identifiers = list(Identifier.objects.filter(pk__in=list(indexes)).only("pk"))
    for identifier in identifiers:
        identifier.blind_index = indexes[identifier.pk] or ""
    Identifier.objects.bulk_update(identifiers, ["blind_index"], batch_size=500)
