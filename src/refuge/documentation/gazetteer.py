"""Load the gazetteer shipped in data/gazetteer.csv (used by a data migration and by tests)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

GAZETTEER_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.csv"


def gazetteer_rows() -> list[dict[str, str]]:
    with GAZETTEER_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_gazetteer(place_model: Any) -> int:
    """Create or update the shipped places (parents listed before children); return the count."""
    by_code: dict[str, Any] = {}
    for row in gazetteer_rows():
        place, _ = place_model.objects.update_or_create(
            code=row["code"],
            defaults={
                "kind": row["kind"],
                "name_en": row["name_en"],
                "name_ru": row["name_ru"],
                "parent": by_code.get(row["parent"]) if row["parent"] else None,
                "latitude": Decimal(row["latitude"]),
                "longitude": Decimal(row["longitude"]),
                "is_custom": False,
            },
        )
        by_code[row["code"]] = place
    return len(by_code)
