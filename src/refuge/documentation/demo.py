"""Demo documentation: fictional events of 2017 in Argun and Grozny. DEMO ONLY.

Names, people and units are invented; only the geography and the pattern of events follow
what was publicly reported in 2017.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from refuge.accounts.demo import DEMO_PASSWORD
from refuge.accounts.models import Operator
from refuge.cases.models import CasePerson, ConsentKind
from refuge.cases.services.persons import record_consent
from refuge.documentation.choices import (
    Affiliation,
    DatePrecision,
    EventType,
    PerpetratorKind,
    PerpetratorRole,
    PlaceKind,
    SourceKind,
)
from refuge.documentation.choices import ViolationType as V
from refuge.documentation.models import Event, Place
from refuge.documentation.services.acts import verify_act
from refuge.documentation.services.places import PlaceInput, create_custom_place
from refuge.documentation.services.records import EventInput, SourceInput, create_perpetrator
from refuge.documentation.services.testimony import Testimony, record_testimony
from refuge.vault import api as vault


def _facility(actor: Operator) -> Place:
    existing = Place.objects.filter(is_custom=True, name_en__startswith="Former military").first()
    if existing is not None:
        return existing
    return create_custom_place(
        actor=actor,
        place=PlaceInput(
            kind=PlaceKind.FACILITY,
            name_en="Former military commandant's office (demo)",
            name_ru="Бывшая военная комендатура (демо)",
            parent=Place.objects.get(code="argun-city"),
            latitude=Decimal("43.29180"),
            longitude=Decimal("45.87420"),
        ),
    )


def _event(place: Place, start: date, end: date, kind: EventType, title: str) -> EventInput:
    return EventInput(
        event_type=kind,
        title=title,
        description=f"{title} (fictional demo).",
        start_date=start,
        end_date=end,
        date_precision=DatePrecision.DAY,
        place=place,
    )


def _source(kind: SourceKind, origin: str, received: date) -> SourceInput:
    return SourceInput(
        kind=kind,
        origin_name=origin,
        received_on=received,
        summary="Fictional account for the demo.",
    )


def seed() -> list[str]:
    """Create a handful of fictional documented events; return the lines to print."""
    if Event.objects.exists():
        return ["Documentation demo: events already present, nothing added."]
    lawyer = Operator.objects.get(username="lawyer")
    unit = create_perpetrator(
        actor=lawyer,
        kind=PerpetratorKind.UNIT,
        name="Police unit No. 7 (fictional)",
        affiliation=Affiliation.POLICE,
    )
    commander = create_perpetrator(
        actor=lawyer,
        kind=PerpetratorKind.PERSON,
        name="Officer 'K.' (fictional)",
        affiliation=Affiliation.POLICE,
    )
    argun = record_testimony(
        actor=lawyer,
        testimony=Testimony(
            source=_source(SourceKind.TESTIMONY, "Caller A (fictional)", date(2017, 3, 20)),
            violations=[V.ARBITRARY_DETENTION, V.TORTURE_ELECTRIC, V.BEATING],
            new_event=_event(
                _facility(lawyer),
                date(2017, 2, 25),
                date(2017, 3, 12),
                EventType.DETENTION_CAMPAIGN,
                "Detentions held at the facility",
            ),
            new_victim_names=["Demo victim one", "Demo victim two", "Demo victim three"],
            existing_perpetrators=[unit, commander],
            perpetrator_role=PerpetratorRole.DIRECT,
        ),
    )
    record_testimony(
        actor=lawyer,
        testimony=Testimony(
            source=_source(
                SourceKind.ORGANISATION_REPORT,
                "Partner organisation (fictional)",
                date(2017, 4, 10),
            ),
            violations=[V.ARBITRARY_DETENTION],
            event=argun.event,
            existing_victims=[act.victim for act in argun.acts[:6:3]],
            existing_perpetrators=[unit],
        ),
    )
    verify_act(
        actor=lawyer,
        act=argun.acts[0],
        version=argun.acts[0].version,
        reasoning="Two independent accounts and a matching release date (demo).",
    )
    grozny = Place.objects.get(code="grozny")
    record_testimony(
        actor=lawyer,
        testimony=Testimony(
            source=_source(SourceKind.TESTIMONY, "Caller B (fictional)", date(2017, 4, 2)),
            violations=[V.ABDUCTION, V.EXTORTION, V.FORCED_OUTING],
            new_event=_event(
                grozny,
                date(2017, 3, 28),
                date(2017, 3, 28),
                EventType.INDIVIDUAL_DETENTION,
                "Taken from a flat, money demanded",
            ),
            new_victim_names=["Demo victim four"],
            existing_perpetrators=[unit],
        ),
    )
    station = record_testimony(
        actor=lawyer,
        testimony=Testimony(
            source=_source(SourceKind.TESTIMONY, "Caller C (fictional)", date(2017, 4, 20)),
            violations=[V.ARBITRARY_DETENTION, V.TORTURE_ELECTRIC, V.THREATS],
            new_event=_event(
                grozny,
                date(2017, 4, 11),
                date(2017, 4, 14),
                EventType.INDIVIDUAL_DETENTION,
                "Held at a district police station",
            ),
            new_victim_names=["Demo victim six"],
            existing_perpetrators=[unit, commander],
            perpetrator_role=PerpetratorRole.ORDERED,
        ),
    )
    record_testimony(
        actor=lawyer,
        testimony=Testimony(
            source=_source(SourceKind.TESTIMONY, "Cellmate D (fictional)", date(2017, 5, 2)),
            violations=[V.ARBITRARY_DETENTION, V.TORTURE_ELECTRIC],
            event=station.event,
            existing_victims=[station.acts[0].victim],
        ),
    )
    record_testimony(
        actor=lawyer,
        testimony=Testimony(
            source=_source(SourceKind.MEDIA_REPORT, "Newspaper (fictional)", date(2017, 4, 15)),
            violations=[V.VIOLENCE_BY_RELATIVES, V.THREATS],
            new_event=_event(
                Place.objects.get(code="gudermes"),
                date(2017, 4, 1),
                date(2017, 4, 30),
                EventType.FAMILY_VIOLENCE,
                "Returned to the family after release",
            ),
            new_victim_names=["Demo victim five"],
        ),
    )
    linked = _testimony_from_a_case(station.event)
    return [
        f"Documentation demo: {Event.objects.count()} fictional events of 2017 (Argun, "
        "Grozny, Gudermes) with victims, perpetrators and sources; log in as 'lawyer'.",
        *linked,
    ]


def _testimony_from_a_case(event: Event) -> list[str]:
    """The case worker documents Kestrel's detention from the case file: the testimony and the
    victim record are linked to the case person, whose consent (keep it: yes) governs them."""
    worker = Operator.objects.get(username="caseworker")
    keyring = vault.Keyring(
        operator_id=worker.pk, private_key=vault.unlock_private_key(worker, DEMO_PASSWORD)
    )
    with vault.activated(keyring):
        kestrel = next(
            (
                person
                for person in CasePerson.objects.filter(case__members__operator=worker).order_by(
                    "pk"
                )
                if person.pseudonym == "Kestrel"
            ),
            None,
        )
        if kestrel is None:
            return []
        record_consent(
            person=kestrel,
            kind=ConsentKind.KEEP_TESTIMONY,
            is_granted=True,
            partners=[],
            recorded_by=worker,
        )
        result = record_testimony(
            actor=worker,
            testimony=Testimony(
                source=SourceInput(
                    kind=SourceKind.TESTIMONY,
                    origin_name="Kestrel",
                    received_on=date(2017, 4, 22),
                    given_by=kestrel,
                    summary="Held three days; the phone was taken (fictional).",
                ),
                violations=[V.ARBITRARY_DETENTION, V.BEATING],
                event=event,
                giver_is_victim=True,
            ),
        )
    return [
        f"Documentation demo: {result.source.reference} is Kestrel's testimony, linked to "
        f"case {kestrel.case.reference} (log in as 'caseworker' to see both sides)."
    ]
