"""The FEBRL benchmark sets as PersonRecords, with their truth (for tests and `make bench`).

FEBRL 3 (deduplication) ships in `bench/data/febrl3.csv`; FEBRL 4 (two lists to link) is
read from the shared development data (`REFUGE_SHARED_DATA`, else `shared/data` beside the
repository or at /work/shared/data). `rec_id` and `entity_id` are used only to score.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from refuge.analysis.linkage.dedupe import PersonRecord
from refuge.analysis.linkage.identifiers import IdentifierKind

REPOSITORY = Path(__file__).resolve().parents[4]
FEBRL3 = REPOSITORY / "bench" / "data" / "febrl3.csv"
FEBRL_IDENTIFIERS: tuple[tuple[str, IdentifierKind], ...] = (
    ("soc_sec_id", IdentifierKind.DOCUMENT),
    ("street_number", IdentifierKind.OTHER),
    ("address_1", IdentifierKind.ADDRESS),
    ("address_2", IdentifierKind.ADDRESS),
    ("postcode", IdentifierKind.POSTCODE),
    ("state", IdentifierKind.REGION),
)


def shared_linkage_data() -> Path | None:
    """The folder holding febrl4_a.csv, or None when no copy of the shared data is here."""
    candidates = [
        Path(os.environ["REFUGE_SHARED_DATA"]) if os.environ.get("REFUGE_SHARED_DATA") else None,
        REPOSITORY.parent / "shared" / "data",
        Path("/work/shared/data"),
    ]
    for candidate in candidates:
        if candidate is not None and (candidate / "linkage" / "febrl4_a.csv").is_file():
            return candidate / "linkage"
    return None


def read_febrl(path: Path, *, source: str | None = None) -> tuple[list[PersonRecord], list[str]]:
    """Records (names, birth, suburb, identifiers) and each record's entity, in file order."""
    records, entities = [], []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            records.append(
                PersonRecord(
                    row["rec_id"],
                    given_name=row["given_name"] or None,
                    surname=row["surname"] or None,
                    birth=row["date_of_birth"] or None,
                    place=row["suburb"] or None,
                    identifiers=tuple(row[column] or None for column, _ in FEBRL_IDENTIFIERS),
                    source=source,
                )
            )
            entities.append(row["entity_id"])
    return records, entities
