"""Case people's blind indexes for `refuge reindex` (vault/reindex.py describes the protocol).

A PersonIdentifier holds only an index; its value is the person's sealed legal name or phone
number (services.persons.save_person), normalised as `identifiers.blind_index` does. An index
whose value cannot be read any more, or is no longer there, is removed.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping

from refuge.cases.identifiers import normalise
from refuge.cases.models import CasePerson, IdentifierKind, PersonIdentifier
from refuge.vault import api as vault
from refuge.vault.api import IndexedValue

_FIELD = {IdentifierKind.NAME: "legal_name", IdentifierKind.PHONE: "phone"}


def _value_of(person: CasePerson, kind: str) -> str | None:
    field = _FIELD.get(IdentifierKind(kind))
    value = getattr(person, field) if field else None
    if not value or not vault.is_readable(value):
        return None
    return normalise(kind, value)


def indexed_values() -> Iterator[IndexedValue]:
    rows = PersonIdentifier.objects.select_related("person").order_by("pk")
    for row in rows.iterator(chunk_size=500):
        yield IndexedValue(reference=row.pk, kind=row.kind, value=_value_of(row.person, row.kind))


def store_indexes(indexes: Mapping[Hashable, str | None]) -> None:
    gone = [pk for pk, index in indexes.items() if index is None]
    PersonIdentifier.objects.filter(pk__in=gone).delete()
    rows = list(PersonIdentifier.objects.filter(pk__in=[pk for pk in indexes if pk not in gone]))
    for row in rows:
        row.blind_index = indexes[row.pk] or ""
    PersonIdentifier.objects.bulk_update(rows, ["blind_index"], batch_size=500)
