"""Spending per case, released only after a second person approved it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.errors import SecondPersonRequired, WrongState
from refuge.cases.models import Case, Spending, SpendingCategory, SpendingStatus
from refuge.cases.services._common import check_open_case


@transaction.atomic
def request_spending(
    *,
    case: Case,
    category: SpendingCategory,
    amount: Decimal,
    currency: str,
    purpose: str,
    requested_by: Operator,
) -> Spending:
    check_open_case(requested_by, case)
    spending = Spending.objects.create(
        case=case,
        envelope_id=case.envelope_id,
        category=category,
        amount=amount,
        currency=currency.upper(),
        purpose=purpose or None,
        requested_by=requested_by,
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=requested_by,
        target=spending,
        details={"case": case.pk, "category": category},
    )
    return spending


def _transition(
    spending: Spending, *, frm: SpendingStatus, to: SpendingStatus, **fields: Any
) -> None:
    updated = Spending.objects.filter(pk=spending.pk, status=frm).update(status=to, **fields)
    if updated != 1:
        raise WrongState
    spending.refresh_from_db()


@transaction.atomic
def decide_spending(*, spending: Spending, approve: bool, decided_by: Operator) -> Spending:
    """Approve or reject: a second person holding APPROVE_SPENDING, never the requester."""
    check_open_case(decided_by, spending.case)
    require(decided_by, Capability.APPROVE_SPENDING)
    if spending.requested_by_id == decided_by.pk:
        raise SecondPersonRequired
    status = SpendingStatus.APPROVED if approve else SpendingStatus.REJECTED
    _transition(
        spending,
        frm=SpendingStatus.REQUESTED,
        to=status,
        decided_by=decided_by,
        decided_at=timezone.now(),
    )
    record_event(
        AuditAction.RECORD_CHANGED, actor=decided_by, target=spending, details={"status": status}
    )
    return spending


@transaction.atomic
def release_spending(*, spending: Spending, released_by: Operator) -> Spending:
    """Mark approved money as released (paid out)."""
    check_open_case(released_by, spending.case)
    _transition(
        spending,
        frm=SpendingStatus.APPROVED,
        to=SpendingStatus.RELEASED,
        released_at=timezone.now(),
    )
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=released_by,
        target=spending,
        details={"status": SpendingStatus.RELEASED},
    )
    return spending
