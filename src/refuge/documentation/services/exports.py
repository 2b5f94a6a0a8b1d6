"""Exports in the shape of the events model (event → acts → victim, perpetrators, sources).

Consent (refuge.documentation.consent): a victim's name appears only when their consent allows
it for this export's recipient (and the exporting operator can read it); otherwise only the
pseudonym. A testimony whose giver has not agreed to keep it is left out. Event titles and
descriptions are free text that may identify people, so they are never exported. Perpetrators
that are units are named; persons appear by reference only.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.models import Partner
from refuge.documentation.choices import PerpetratorKind
from refuge.documentation.consent import ConsentBook
from refuge.documentation.corroboration import corroborate
from refuge.documentation.models import Act, Place, Victim
from refuge.documentation.selectors import ActFilter, acts_matching, with_links
from refuge.vault import api as vault

CSV_COLUMNS = [
    "event",
    "event_type",
    "start_date",
    "end_date",
    "date_precision",
    "place_code",
    "place_en",
    "place_ru",
    "district_code",
    "latitude",
    "longitude",
    "act",
    "violation",
    "victim",
    "victim_name",
    "gender",
    "age_group",
    "perpetrators",
    "sources",
    "confidence",
    "independent_sources",
]


@dataclass(frozen=True, slots=True)
class ExportFile:
    file_name: str
    content_type: str
    content: bytes
    act_count: int


def victim_name(victim: Victim, book: ConsentBook) -> str:
    if not book.may_name(victim):
        return ""
    name = victim.real_name or ""
    return name if vault.is_readable(name) else ""


def _place(place: Place) -> dict[str, Any]:
    district = place.district()
    return {
        "code": place.code,
        "kind": place.kind,
        "name_en": place.name_en,
        "name_ru": place.name_ru,
        "district": district.code if district else "",
        "latitude": str(place.latitude or ""),
        "longitude": str(place.longitude or ""),
    }


def _perpetrators(act: Act) -> list[dict[str, str]]:
    rows = []
    for link in act.actperpetrator_set.all():
        perpetrator = link.perpetrator
        name = ""
        if perpetrator.kind == PerpetratorKind.UNIT and vault.is_readable(perpetrator.name):
            name = perpetrator.name or ""
        rows.append(
            {
                "reference": perpetrator.reference,
                "kind": perpetrator.kind,
                "affiliation": perpetrator.affiliation,
                "role": link.role,
                "name": name,
            }
        )
    return rows


def act_record(act: Act, book: ConsentBook) -> dict[str, Any]:
    sources = [source for source in act.sources.all() if book.keeps(source)]
    corroboration = corroborate(act, sources)
    return {
        "id": act.pk,
        "violation": act.violation,
        "victim": {
            "pseudonym": act.victim.pseudonym,
            "name": victim_name(act.victim, book),
            "gender": act.victim.gender,
            "age_group": act.victim.age_group,
        },
        "perpetrators": _perpetrators(act),
        "sources": [
            {"reference": s.reference, "kind": s.kind, "received_on": s.received_on.isoformat()}
            for s in sources
        ],
        "confidence": corroboration.confidence.value,
        "independent_sources": corroboration.independent_sources,
    }


def events_document(acts: list[Act], book: ConsentBook) -> dict[str, Any]:
    events: dict[int, dict[str, Any]] = {}
    for act in acts:
        event = act.event
        if event.pk not in events:
            events[event.pk] = {
                "reference": event.reference,
                "type": event.event_type,
                "start_date": event.start_date.isoformat(),
                "end_date": event.end_date.isoformat(),
                "date_precision": event.date_precision,
                "place": _place(event.place),
                "acts": [],
            }
        events[event.pk]["acts"].append(act_record(act, book))
    return {
        "format": "refuge-events/1",
        "generated_at": timezone.now().isoformat(),
        "events": list(events.values()),
    }


def _csv_bytes(document: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for event in document["events"]:
        place = event["place"]
        for act in event["acts"]:
            writer.writerow(
                {
                    "event": event["reference"],
                    "event_type": event["type"],
                    "start_date": event["start_date"],
                    "end_date": event["end_date"],
                    "date_precision": event["date_precision"],
                    "place_code": place["code"],
                    "place_en": place["name_en"],
                    "place_ru": place["name_ru"],
                    "district_code": place["district"],
                    "latitude": place["latitude"],
                    "longitude": place["longitude"],
                    "act": act["id"],
                    "violation": act["violation"],
                    "victim": act["victim"]["pseudonym"],
                    "victim_name": act["victim"]["name"],
                    "gender": act["victim"]["gender"],
                    "age_group": act["victim"]["age_group"],
                    "perpetrators": ";".join(
                        f"{p['reference']}:{p['role']}:{p['name']}".rstrip(":")
                        for p in act["perpetrators"]
                    ),
                    "sources": ";".join(f"{s['reference']}:{s['kind']}" for s in act["sources"]),
                    "confidence": act["confidence"],
                    "independent_sources": act["independent_sources"],
                }
            )
    return buffer.getvalue().encode("utf-8")


@transaction.atomic
def export_acts(
    *, actor: Operator, act_filter: ActFilter, file_format: str, partner: Partner | None = None
) -> ExportFile:
    """Export the filtered acts as CSV or JSON (for `partner`, if named), recording the export
    in the audit log."""
    require(actor, Capability.DOCUMENT)
    acts = list(with_links(acts_matching(act_filter)))
    book = ConsentBook.for_records(
        [act.victim for act in acts],
        [source for act in acts for source in act.sources.all()],
        partner,
    )
    document = events_document(acts, book)
    named = sum(1 for act in acts if victim_name(act.victim, book))
    record_event(
        AuditAction.EXPORT,
        actor=actor,
        target_type="documentation.Act",
        target_id="export",
        details={
            "format": file_format,
            "acts": len(acts),
            "identified_victims": named,
            "partner": partner.pk if partner else 0,
        },
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    if file_format == "csv":
        return ExportFile(
            f"acts-{stamp}.csv", "text/csv; charset=utf-8", _csv_bytes(document), len(acts)
        )
    content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return ExportFile(f"events-{stamp}.json", "application/json", content, len(acts))
