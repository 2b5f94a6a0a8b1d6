"""Retention: closed cases lose contact details after CASES_RETENTION_DAYS.

What stays is coded and anonymous: stages and their dates, threat flags, need categories and
statuses, spending categories and amounts, verification codes, consent codes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.models import Case, CasePerson, PersonIdentifier
from refuge.cases.services.movement import destroy_movements

CASE_CONTACT_FIELDS = ["safe_contact_times", "safe_contact_ways", "code_words",
                       "destination_city"]
PERSON_CONTACT_FIELDS = ["legal_name", "phone", "contact_details"]


@dataclass(frozen=True, slots=True)
class PurgeItem:
    """What the purge removes from one case: counts only (the report is safe to print)."""

    reference: str
    closed_at: datetime
    case_fields: int
    person_fields: int
    identifiers: int
    movements: int


def cases_due_for_purge(now: datetime | None = None) -> QuerySet[Case]:
    cutoff = (now or timezone.now()) - timedelta(days=settings.CASES_RETENTION_DAYS)
    return Case.objects.filter(closed_at__lt=cutoff, contact_details_purged_at__isnull=True)


def _count_set(queryset: QuerySet[Case] | QuerySet[CasePerson], fields: list[str]) -> int:
    return sum(queryset.filter(~Q(**{f"{name}__isnull": True})).count() for name in fields)


def purge_plan(now: datetime | None = None) -> list[PurgeItem]:
    """The dry run: what a purge would remove now."""
    return [PurgeItem(
        reference=case.reference, closed_at=case.closed_at or timezone.now(),
        case_fields=_count_set(Case.objects.filter(pk=case.pk), CASE_CONTACT_FIELDS),
        person_fields=_count_set(case.persons.all(), PERSON_CONTACT_FIELDS),
        identifiers=PersonIdentifier.objects.filter(person__case=case).count(),
        movements=case.movements.count(),
    ) for case in cases_due_for_purge(now).order_by("closed_at")]


@transaction.atomic
def purge_contact_details(now: datetime | None = None) -> list[PurgeItem]:
    """Remove contact details of closed cases past retention. Needs no key: it only erases."""
    plan = purge_plan(now)
    for case in cases_due_for_purge(now).select_for_update():
        Case.objects.filter(pk=case.pk).update(
            contact_details_purged_at=timezone.now(), **dict.fromkeys(CASE_CONTACT_FIELDS))
        case.persons.update(**dict.fromkeys(PERSON_CONTACT_FIELDS))
        PersonIdentifier.objects.filter(person__case=case).delete()
        destroy_movements(case=case, actor=None)
        record_event(AuditAction.RECORD_CHANGED, target=case, details={"purged": True})
    return plan
