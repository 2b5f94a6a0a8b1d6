"""Retention: closed cases lose their contact details and free text after
CASES_RETENTION_DAYS, keeping only coded, anonymous facts for statistics.

Kept: stages and their dates, threat flags, need categories and statuses, spending categories,
amounts and statuses, verification and consent codes, exposure flags, task dates. Erased:
every sealed field of the case and its people (names, numbers, contact details, code words,
safe times and ways, the testimony, notes, reasons, details), their blind indexes, any
movement; then the case's envelope is shredded, so whatever ciphertext an erased row left in a
backup has no key any more in this database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.models import (
    Case,
    CaseNote,
    CasePerson,
    ExposureReport,
    Need,
    PersonIdentifier,
    Spending,
    StageChange,
    VerificationItem,
)
from refuge.cases.services._common import case_readers
from refuge.cases.services.movement import destroy_movements
from refuge.vault import api as vault

PERSON_FIELDS = ["pseudonym", "legal_name", "phone", "contact_details"]
# Sealed, nullable fields of the rows under a case's envelope, by model.
CASE_TEXT: list[tuple[type[models.Model], list[str]]] = [
    (StageChange, ["reason"]),
    (VerificationItem, ["note"]),
    (Need, ["details", "cost_details"]),
    (Spending, ["purpose"]),
    (ExposureReport, ["details"]),
]
CASE_FIELDS = [
    "title",
    "summary",
    "threat_details",
    "safe_contact_times",
    "safe_contact_ways",
    "code_words",
    "safety_plan",
    "destination_city",
]


@dataclass(frozen=True, slots=True)
class PurgeItem:
    """What the purge removes from one case: counts only (the report is safe to print)."""

    reference: str
    closed_at: datetime
    case_fields: int
    person_fields: int
    identifiers: int
    notes: int
    movements: int


def cases_due_for_purge(now: datetime | None = None) -> QuerySet[Case]:
    cutoff = (now or timezone.now()) - timedelta(days=settings.CASES_RETENTION_DAYS)
    # A case purged, reopened and closed again is due again: what it gathered since counts.
    return Case.objects.filter(
        Q(contact_details_purged_at__isnull=True) | Q(contact_details_purged_at__lt=F("closed_at")),
        closed_at__lt=cutoff,
    )


def _count_set(queryset: QuerySet[models.Model], fields: list[str]) -> int:
    return sum(queryset.filter(~Q(**{f"{name}__isnull": True})).count() for name in fields)


def _case_text_count(case: Case) -> int:
    count = _count_set(Case.objects.filter(pk=case.pk), CASE_FIELDS)
    for model, fields in CASE_TEXT:
        count += _count_set(model._default_manager.filter(case=case), fields)
    return count


def purge_plan(now: datetime | None = None) -> list[PurgeItem]:
    """The dry run: what a purge would remove now."""
    return [
        PurgeItem(
            reference=case.reference,
            closed_at=case.closed_at or timezone.now(),
            case_fields=_case_text_count(case),
            person_fields=_count_set(case.persons.all(), PERSON_FIELDS),
            identifiers=PersonIdentifier.objects.filter(person__case=case).count(),
            notes=case.notes.count(),
            movements=case.movements.count(),
        )
        for case in cases_due_for_purge(now).order_by("closed_at")
    ]


def _purge_case(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(
        contact_details_purged_at=timezone.now(), **dict.fromkeys(CASE_FIELDS)
    )
    for model, fields in CASE_TEXT:
        model._default_manager.filter(case=case).update(**dict.fromkeys(fields))
    CasePerson.objects.filter(case=case).update(**dict.fromkeys(PERSON_FIELDS))
    PersonIdentifier.objects.filter(person__case=case).delete()
    CaseNote.objects.filter(case=case).delete()
    destroy_movements(case=case, actor=None)
    # Task titles and anything missed above stay as ciphertext whose key no longer exists.
    vault.shred(case.envelope_id, actor=None)


def renew_purged_envelope(case: Case) -> None:
    """Give a purged case a new envelope, sealed to its members, so that it can hold sealed
    text again once reopened: the purge shredded the old one, and nothing can be written under
    it. Rows the purge emptied move to the new envelope (so people and needs can be edited);
    task titles stay sealed under the old, keyless one, unreadable as the purge meant."""
    envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=case_readers(case))
    case.envelope = envelope
    case.save(update_fields=["envelope"])
    emptied: list[tuple[type[models.Model], list[str]]] = [*CASE_TEXT, (CasePerson, PERSON_FIELDS)]
    for model, fields in emptied:
        model._default_manager.filter(
            case=case, **{f"{name}__isnull": True for name in fields}
        ).update(envelope=envelope)


@transaction.atomic
def purge_contact_details(now: datetime | None = None) -> list[PurgeItem]:
    """Erase what retention says must go. Needs no key: it only erases and shreds."""
    plan = purge_plan(now)
    for case in cases_due_for_purge(now).select_for_update():
        _purge_case(case)
        record_event(AuditAction.RECORD_CHANGED, target=case, details={"purged": True})
    return plan
