"""Create the records that make up the documentation: events, victims, perpetrators, sources."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.approvals.errors import CannotRead
from refuge.approvals.models import PendingAction
from refuge.approvals.services import request_action
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.models import Case, CasePerson
from refuge.documentation.choices import (
    Affiliation,
    AgeGroup,
    DatePrecision,
    EventType,
    Gender,
    PerpetratorKind,
    SourceKind,
)
from refuge.documentation.destruction import DELETE_SOURCE
from refuge.documentation.errors import ConsentInCaseFile, IncompleteTestimony
from refuge.documentation.keys import origin_key
from refuge.documentation.models import (
    Act,
    ActSource,
    Event,
    Perpetrator,
    Place,
    Source,
    Victim,
)
from refuge.documentation.permissions import team_readers, victim_readers
from refuge.documentation.services.case_links import check_case_link
from refuge.documentation.services.common import (
    assign_reference,
    audit_created,
    check_dates,
    provisional_reference,
)
from refuge.vault import api as vault


@dataclass(frozen=True, slots=True)
class EventInput:
    event_type: EventType
    title: str
    description: str
    start_date: date
    end_date: date
    date_precision: DatePrecision
    place: Place


@transaction.atomic
def create_event(*, actor: Operator, event: EventInput) -> Event:
    """Record an event, sealed to the documentation team."""
    require(actor, Capability.DOCUMENT)
    check_dates(event.start_date, event.end_date)
    envelope = vault.create_envelope(purpose=vault.Purpose.DOCUMENT, readers=team_readers(actor))
    record = Event(
        reference=provisional_reference(),
        envelope=envelope,
        event_type=event.event_type,
        start_date=event.start_date,
        end_date=event.end_date,
        date_precision=event.date_precision,
        place=event.place,
        created_by=actor,
    )
    record.title = event.title
    record.description = event.description
    record.save()
    assign_reference(record, "E")
    audit_created(actor, record)
    return record


@transaction.atomic
def create_victim(
    *,
    actor: Operator,
    real_name: str,
    notes: str = "",
    gender: str = Gender.UNKNOWN,
    age_group: str = AgeGroup.UNKNOWN,
) -> Victim:
    """Register a victim under a generated pseudonym; the name is sealed."""
    require(actor, Capability.DOCUMENT)
    envelope = vault.create_envelope(purpose=vault.Purpose.PERSON, readers=victim_readers(actor))
    victim = Victim(
        pseudonym=provisional_reference(),
        envelope=envelope,
        gender=gender,
        age_group=age_group,
        created_by=actor,
    )
    victim.real_name = real_name
    victim.notes = notes
    victim.save()
    victim.pseudonym = f"V-{victim.pk:04d}"
    victim.save(update_fields=["pseudonym"])
    audit_created(actor, victim)
    return victim


@transaction.atomic
def update_victim_attributes(
    *, actor: Operator, victim: Victim, gender: str, age_group: str
) -> Victim:
    """Record a victim's gender and age group (coded fields, used by the statistics)."""
    require(actor, Capability.DOCUMENT)
    victim.gender = Gender(gender)
    victim.age_group = AgeGroup(age_group)
    victim.save(update_fields=["gender", "age_group"])
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=actor,
        target=victim,
        details={"gender": victim.gender, "age_group": victim.age_group},
    )
    return victim


@transaction.atomic
def create_perpetrator(
    *,
    actor: Operator,
    kind: PerpetratorKind,
    name: str,
    affiliation: str = Affiliation.UNKNOWN,
    notes: str = "",
) -> Perpetrator:
    """Register a perpetrator (a person or a unit); the name is sealed."""
    require(actor, Capability.DOCUMENT)
    envelope = vault.create_envelope(purpose=vault.Purpose.DOCUMENT, readers=team_readers(actor))
    perpetrator = Perpetrator(
        reference=provisional_reference(),
        envelope=envelope,
        kind=kind,
        affiliation=affiliation,
        created_by=actor,
    )
    perpetrator.name = name
    perpetrator.notes = notes
    perpetrator.save()
    assign_reference(perpetrator, "P")
    audit_created(actor, perpetrator)
    return perpetrator


@dataclass(frozen=True, slots=True)
class SourceInput:
    kind: SourceKind
    origin_name: str
    summary: str
    received_on: date
    contact_ref: int | None = None
    case: Case | None = None
    given_by: CasePerson | None = None


@transaction.atomic
def create_source(*, actor: Operator, source: SourceInput) -> Source:
    """Record who says so: a testimony, a media report or another organisation's report."""
    require(actor, Capability.DOCUMENT)
    if not source.origin_name.strip():
        raise IncompleteTestimony(_("A source must name who gives it."))
    check_dates(source.received_on, source.received_on)
    check_case_link(actor, source.case, source.given_by)
    envelope = vault.create_envelope(purpose=vault.Purpose.DOCUMENT, readers=team_readers(actor))
    case = source.given_by.case if source.given_by is not None else source.case
    record = Source(
        reference=provisional_reference(),
        envelope=envelope,
        kind=source.kind,
        origin_key=origin_key(source.origin_name),
        received_on=source.received_on,
        contact_ref=source.contact_ref,
        case=case,
        given_by=source.given_by,
        created_by=actor,
    )
    record.origin_name = source.origin_name.strip()
    record.summary = source.summary
    record.save()
    assign_reference(record, "S")
    audit_created(actor, record)
    return record


@transaction.atomic
def record_consent(*, actor: Operator, victim: Victim, consents: bool) -> Victim:
    """Record whether a victim without a case file agrees to be named in exports (a person of
    a case answers in the case file: refuge.documentation.consent)."""
    require(actor, Capability.DOCUMENT)
    if victim.case_person_id is not None:
        raise ConsentInCaseFile
    victim.consent_identified_use = consents
    victim.consent_recorded_at = timezone.now()
    victim.consent_recorded_by = actor
    victim.save(
        update_fields=["consent_identified_use", "consent_recorded_at", "consent_recorded_by"]
    )
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=actor,
        target=victim,
        details={"consent_identified_use": consents},
    )
    return victim


@dataclass(frozen=True, slots=True)
class SourceRemoval:
    """What deleting a source changes: the acts it supported, and those left with none."""

    acts: list[Act]
    left_without_source: list[Act]


def source_removal(source: Source) -> SourceRemoval:
    acts = list(source.acts.select_related("event", "victim").order_by("event_id", "pk"))
    alone = [act for act in acts if not act.sources.exclude(pk=source.pk).exists()]
    return SourceRemoval(acts=acts, left_without_source=alone)


def request_source_deletion(*, actor: Operator, source: Source, reason: str) -> PendingAction:
    """Ask for a source to be deleted; a coordinator or a lawyer who can read it confirms
    (refuge.documentation.destruction). A withdrawal of consent on record is done at once."""
    return request_action(kind=DELETE_SOURCE, target=source, reason=reason, requested_by=actor)


@transaction.atomic
def delete_source(*, actor: Operator, source: Source) -> SourceRemoval:
    """Delete a source (a testimony whose giver withdrew consent, one recorded by mistake):
    its links go, its envelope loses every grant, the acts it supported stay, each with the
    sources it has left (an act left with none shows so).

    Called by a confirmed two-person act (request_source_deletion), never from a page; the
    one who carries it out must be able to read the source.
    """
    require(actor, Capability.DOCUMENT)
    if not vault.can_read(source.envelope_id):
        raise CannotRead
    removal = source_removal(source)
    record_event(
        AuditAction.RECORD_DELETED,
        actor=actor,
        target=source,
        details={
            "acts": len(removal.acts),
            "left_without_source": len(removal.left_without_source),
        },
    )
    ActSource.objects.filter(source=source).delete()
    vault.shred(source.envelope_id, actor=actor)
    source.delete()
    return removal
