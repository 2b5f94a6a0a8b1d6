"""Builders for documentation tests: real services, real vault, real database."""

from __future__ import annotations

from datetime import date
from typing import Any

from refuge.documentation.choices import (
    Affiliation,
    DatePrecision,
    EventType,
    PerpetratorKind,
    SourceKind,
    ViolationType,
)
from refuge.documentation.models import Place
from refuge.documentation.services.records import EventInput, SourceInput
from refuge.documentation.services.testimony import NewPerpetrator, Testimony


def place(name_en: str = "Argun") -> Place:
    return Place.objects.get(name_en=name_en)


def event_input(**overrides: Any) -> EventInput:
    values: dict[str, Any] = {
        "event_type": EventType.DETENTION_CAMPAIGN,
        "title": "Detentions at the car wash",
        "description": "Two men taken from the car wash on the main road.",
        "start_date": date(2017, 3, 1),
        "end_date": date(2017, 3, 3),
        "date_precision": DatePrecision.DAY,
        "place": place(),
    }
    values.update(overrides)
    return EventInput(**values)


def source_input(
    origin: str = "Witness Adam", kind: str = SourceKind.TESTIMONY, **overrides: Any
) -> SourceInput:
    values: dict[str, Any] = {
        "kind": kind,
        "origin_name": origin,
        "summary": "Saw them taken.",
        "received_on": date(2017, 4, 2),
    }
    values.update(overrides)
    return SourceInput(**values)


def testimony(**overrides: Any) -> Testimony:
    values: dict[str, Any] = {
        "source": source_input(),
        "violations": [ViolationType.ARBITRARY_DETENTION],
        "new_event": event_input(),
        "new_victim_names": ["Ruslan Testov", "Islam Primerov"],
        "new_perpetrator": NewPerpetrator(
            name="Police unit (fictional)",
            kind=PerpetratorKind.UNIT,
            affiliation=Affiliation.POLICE,
        ),
    }
    values.update(overrides)
    return Testimony(**values)
