"""Records to the feature table Splink compares, counting per field what could be read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from refuge.analysis.linkage.comparisons import IdentifierFeature
from refuge.analysis.linkage.identifiers import IdentifierKind
from refuge.analysis.linkage.model import NameParts, Progress, features
from refuge.analysis.linkage.names import frequent_given_keys
from refuge.analysis.linkage.report import ColumnUse

if TYPE_CHECKING:
    from refuge.analysis.linkage.dedupe import PersonRecord

_NAME_FIELDS = ("full_name", "given_name", "surname", "patronymic")
_CYRILLIC = re.compile(r"[а-яёӏА-ЯЁӀ]")
_LATIN = re.compile(r"[a-zA-Z]")


@dataclass(frozen=True, slots=True)
class FeatureTable:
    frame: pd.DataFrame
    columns: tuple[ColumnUse, ...]
    identifier_features: tuple[IdentifierFeature, ...]
    filled: dict[str, float]  # feature column -> share of records with a value
    has_age_group: bool


def _mixed(text: str) -> bool:
    return any(_CYRILLIC.search(word) and _LATIN.search(word) for word in text.split())


class _Counter:
    def __init__(self) -> None:
        self.filled: dict[str, int] = {}
        self.unreadable: dict[str, int] = {}
        self.mixed: dict[str, int] = {}

    def count(self, name: str, text: str | None, readable: bool, *, check_script: bool) -> None:
        if text is None or not text.strip():
            return
        self.filled[name] = self.filled.get(name, 0) + 1
        if not readable:
            self.unreadable[name] = self.unreadable.get(name, 0) + 1
        if check_script and _mixed(text):
            self.mixed[name] = self.mixed.get(name, 0) + 1

    def use(self, name: str, role: str) -> ColumnUse:
        return ColumnUse(name, role, self.filled.get(name, 0), self.unreadable.get(name, 0),
                         self.mixed.get(name, 0))  # fmt: skip


def _count_record(counter: _Counter, record: PersonRecord, row: dict[str, object],
                  identifiers: Sequence[tuple[str, IdentifierKind]]) -> None:  # fmt: skip
    names_read = bool(row["given_key"] or row["surname_key"] or row["patronymic_key"])
    for name in _NAME_FIELDS:
        counter.count(name, getattr(record, name), names_read, check_script=True)
    counter.count("birth", record.birth, row["birth_min"] is not None, check_script=False)
    counter.count("place", record.place, row["place_key"] is not None, check_script=True)
    counter.count("sex", record.sex, row["sex"] is not None, check_script=False)
    counter.count("age_group", record.age_group, True, check_script=False)
    for index, (label, _kind) in enumerate(identifiers):
        value = record.identifiers[index] if index < len(record.identifiers) else None
        counter.count(label, value, row[f"ident_{index}"] is not None, check_script=False)


def feature_table(
    records: Sequence[PersonRecord],
    identifiers: Sequence[tuple[str, IdentifierKind]],
    progress: Progress,
) -> FeatureTable:
    """Normalise every record; unreadable values become nulls and are counted per field."""
    counter = _Counter()
    rows = []
    given_names = frequent_given_keys(record.full_name for record in records
                                      if not (record.given_name or record.surname))  # fmt: skip
    for record in records:
        values = record.identifiers
        parts = NameParts(
            record.full_name, record.given_name, record.surname, record.patronymic,
            record.birth, record.place, record.sex, record.age_group,
            tuple((kind, values[index] if index < len(values) else None)
                  for index, (_, kind) in enumerate(identifiers)),
        )  # fmt: skip
        row = features(parts, given_names)
        _count_record(counter, record, row, identifiers)
        rows.append(row)
        if len(rows) % 100_000 == 0:
            progress("normalising", len(rows) / len(records))
    frame = pd.DataFrame.from_records(rows)
    frame.insert(0, "unique_id", range(len(rows)))
    for column in frame.columns:
        if column in ("birth_min", "birth_max", "birth_decade"):
            frame[column] = frame[column].astype("Int64")
        elif column != "unique_id":
            frame[column] = frame[column].astype("string")
    progress("normalising", 1.0)
    return _table(frame, counter, records, identifiers)


def _table(
    frame: pd.DataFrame,
    counter: _Counter,
    records: Sequence[PersonRecord],
    identifiers: Sequence[tuple[str, IdentifierKind]],
) -> FeatureTable:
    roles = {"full_name": "full name", "given_name": "given name", "surname": "surname",
             "patronymic": "patronymic", "birth": "birth", "place": "place", "sex": "sex",
             "age_group": "age group"}  # fmt: skip
    columns = [counter.use(name, role) for name, role in roles.items() if counter.filled.get(name)]
    columns += [counter.use(label, str(kind)) for label, kind in identifiers]
    count = max(len(frame), 1)
    filled = {str(column): float(frame[column].notna().sum()) / count for column in frame.columns}
    features_used = tuple(
        IdentifierFeature(f"ident_{index}", kind, label)
        for index, (label, kind) in enumerate(identifiers)
        if filled.get(f"ident_{index}", 0.0) > 0
    )
    dropped = [f"ident_{index}" for index in range(len(identifiers))
               if filled.get(f"ident_{index}", 0.0) == 0]  # fmt: skip
    frame = frame.drop(columns=[column for column in dropped if column in frame.columns])
    return FeatureTable(
        frame=frame,
        columns=tuple(columns),
        identifier_features=features_used,
        filled=filled,
        has_age_group=bool(filled.get("age_group", 0.0)) and len(records) > 0,
    )
