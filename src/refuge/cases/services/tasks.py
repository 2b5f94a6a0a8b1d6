"""Tasks and check-ins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.errors import WrongState
from refuge.cases.models import Case, CaseMember, CasePerson, CheckIn, Task
from refuge.cases.services._common import check_open_case


@transaction.atomic
def add_task(*, case: Case, title: str, owner: Operator, due_at: datetime | None,
             created_by: Any, is_urgent: bool = False) -> Task:
    """Give someone on the case a piece of work with a due date."""
    check_open_case(created_by, case)
    if not CaseMember.objects.filter(case=case, operator=owner).exists():
        raise Http404  # the owner must be able to read the case
    task = Task.objects.create(envelope_id=case.envelope_id, case=case, owner=owner,
                               created_by=created_by, due_at=due_at, is_urgent=is_urgent,
                               title=title)
    record_event(AuditAction.RECORD_CREATED, actor=created_by, target=task,
                 details={"case": case.pk, "owner": owner.pk})
    return task


@transaction.atomic
def complete_task(*, task: Task, completed_by: Any) -> Task:
    """Mark a task done (its owner, or anyone on its case)."""
    if task.done_at is not None:
        raise WrongState
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    record_event(AuditAction.RECORD_CHANGED, actor=completed_by, target=task,
                 details={"done": True})
    return task


@transaction.atomic
def schedule_checkin(*, case: Case, person: CasePerson | None, due_at: datetime,
                     grace_minutes: int, created_by: Any) -> CheckIn:
    """Agree a time at which the person gets in touch; silence past it raises an alarm."""
    check_open_case(created_by, case)
    checkin = CheckIn.objects.create(case=case, person=person, due_at=due_at,
                                     grace_minutes=grace_minutes, created_by=created_by)
    record_event(AuditAction.RECORD_CREATED, actor=created_by, target=checkin,
                 details={"case": case.pk})
    return checkin


@transaction.atomic
def confirm_checkin(*, checkin: CheckIn, confirmed_by: Any) -> CheckIn:
    """The person got in touch: the check-in is kept and its alarm stops."""
    check_open_case(confirmed_by, checkin.case)
    updated = CheckIn.objects.filter(pk=checkin.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=confirmed_by)
    if updated != 1:
        raise WrongState
    checkin.refresh_from_db()
    record_event(AuditAction.RECORD_CHANGED, actor=confirmed_by, target=checkin,
                 details={"confirmed": True})
    return checkin
