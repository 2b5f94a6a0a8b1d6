"""Verification, risk assessment and safety plan, needs, notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.errors import CaseChanged, FlagContradictsCheck
from refuge.cases.models import (
    Case,
    CaseNote,
    Need,
    NeedCategory,
    NeedStatus,
    Partner,
    VerificationCheck,
    VerificationItem,
)
from refuge.cases.services._common import check_open_case
from refuge.cases.services.flags import describe, verification_flags
from refuge.core.concurrency import save_with_version


@transaction.atomic
def add_verification_item(
    *, case: Case, item: VerificationCheck, note: str, checked_by: Operator
) -> VerificationItem:
    """Record one check of the person's identity, with who checked it and when.

    "No signs of an infiltrator" is refused while a matching hotline profile is flagged as
    one (or as an account in someone else's hands): the flag is lifted first, with a reason.
    """
    check_open_case(checked_by, case)
    if item == VerificationCheck.NO_RED_FLAGS:
        standing = verification_flags(case, checked_by)
        if standing:
            raise FlagContradictsCheck(describe(standing))
    verification = VerificationItem.objects.create(
        case=case, envelope_id=case.envelope_id, item=item, checked_by=checked_by, note=note or None
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=checked_by,
        target=verification,
        details={"case": case.pk, "item": item},
    )
    return verification


@dataclass(frozen=True, slots=True)
class RiskAssessment:
    threat_police: bool
    threat_family: bool
    threat_community: bool
    threat_other: bool
    threat_details: str
    safe_contact_times: str
    safe_contact_ways: str
    code_words: str
    safety_plan: str
    destination_city: str


RISK_FIELDS = [name for name in RiskAssessment.__dataclass_fields__]


def risk_assessment_of(case: Case) -> RiskAssessment:
    values: dict[str, Any] = {}
    for name in RISK_FIELDS:
        value = getattr(case, name)
        values[name] = value if isinstance(value, bool) else str(value or "")
    return RiskAssessment(**values)


@transaction.atomic
def update_risk_assessment(
    *, case: Case, assessment: RiskAssessment, version: int, updated_by: Operator
) -> Case:
    """Save threats, safe ways and times to contact, code words and the safety plan."""
    check_open_case(updated_by, case)
    save_with_version(case, [], expected_version=version, conflict=CaseChanged)
    for name in RISK_FIELDS:
        value = getattr(assessment, name)
        setattr(case, name, (value or None) if isinstance(value, str) else value)
    case.save(update_fields=RISK_FIELDS)
    record_event(
        AuditAction.RECORD_CHANGED, actor=updated_by, target=case, details={"part": "risk"}
    )
    return case


@transaction.atomic
def save_need(
    *,
    case: Case,
    need: Need | None,
    category: NeedCategory,
    status: NeedStatus,
    provider: Partner | None,
    details: str,
    cost_details: str,
    saved_by: Operator,
) -> Need:
    """Add or update a need or service (shelter, transport, visa ...)."""
    check_open_case(saved_by, case)
    if need is None:
        need = Need(case=case, envelope_id=case.envelope_id)
    need.category, need.status, need.provider = category, status, provider
    need.details, need.cost_details = details or None, cost_details or None
    need.save()
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=saved_by,
        target=need,
        details={"case": case.pk, "category": category, "status": status},
    )
    return need


@transaction.atomic
def add_note(*, case: Case, body: str, author: Operator) -> CaseNote:
    check_open_case(author, case)
    note = CaseNote.objects.create(
        case=case, envelope_id=case.envelope_id, author=author, body=body
    )
    record_event(AuditAction.RECORD_CREATED, actor=author, target=note, details={"case": case.pk})
    return note
