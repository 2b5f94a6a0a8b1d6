"""Tasks and check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.errors import CaseUnreadable, OwnerNotOnCase, TaskAlreadyDone, WrongState
from refuge.cases.models import Case, CaseMember, CasePerson, CheckIn, Task
from refuge.cases.permissions import can_view_case
from refuge.cases.services._common import check_open_case
from refuge.core.concurrency import save_with_version, update_bumping_version
from refuge.vault import api as vault


@transaction.atomic
def add_task(
    *,
    case: Case,
    title: str,
    owner: Operator,
    due_at: datetime | None,
    created_by: Operator,
    is_urgent: bool = False,
) -> Task:
    """Give someone on the case a piece of work with a due date."""
    check_open_case(created_by, case)
    if not CaseMember.objects.filter(case=case, operator=owner).exists():
        raise Http404  # the owner must be able to read the case
    task = Task.objects.create(
        envelope_id=case.envelope_id,
        case=case,
        owner=owner,
        created_by=created_by,
        due_at=due_at,
        is_urgent=is_urgent,
        title=title,
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=created_by,
        target=task,
        details={"case": case.pk, "owner": owner.pk},
    )
    return task


@dataclass(frozen=True, slots=True)
class TaskEdit:
    """What an edit may change on a task."""

    title: str
    owner: Operator
    due_at: datetime | None
    is_urgent: bool


def _changed_fields(task: Task, edit: TaskEdit) -> list[str]:
    return [
        name
        for name, changed in (
            ("title", str(task.title) != edit.title),
            ("owner", task.owner_id != edit.owner.pk),
            ("due_at", task.due_at != edit.due_at),
            ("is_urgent", task.is_urgent != edit.is_urgent),
        )
        if changed
    ]


def _let_owner_read(task: Task, owner: Operator, granted_by: Operator) -> None:
    # A warning task has its own envelope, sealed to the case's workers of the day: someone
    # who joined later needs a grant to read the task they are given.
    if owner.pk not in vault.readers_of(task.envelope_id):
        vault.share(task.envelope_id, reader=owner, granted_by=granted_by)


@transaction.atomic
def edit_task(*, task: Task, edit: TaskEdit, version: int, edited_by: Operator) -> Task:
    """Change a task's title, owner, due date or urgency, unless it is done or was changed
    since `version` was read. Reassigning names both owners in the audit log."""
    if task.case is None:
        raise WrongState
    case = task.case
    check_open_case(edited_by, case)
    if task.done_at is not None:
        raise TaskAlreadyDone
    if not can_view_case(edit.owner, case):
        raise OwnerNotOnCase
    if not vault.can_read(task.envelope_id):
        raise CaseUnreadable
    changed = _changed_fields(task, edit)
    previous_owner_id = task.owner_id
    if "owner" in changed:
        _let_owner_read(task, edit.owner, edited_by)
    task.owner, task.due_at, task.is_urgent = edit.owner, edit.due_at, edit.is_urgent
    # The conditional UPDATE checks the version and takes the row's lock; the sealed title
    # cannot be written by an UPDATE, so it follows with a save inside the same transaction.
    save_with_version(task, ["owner", "due_at", "is_urgent"], expected_version=version)
    if "title" in changed:
        task.title = edit.title
        task.save(update_fields=["title"])
    details: dict[str, str | int] = {"case": case.pk, "changed": ",".join(changed)}
    if "owner" in changed:
        details.update(owner=edit.owner.pk, previous_owner=previous_owner_id)
    record_event(AuditAction.RECORD_CHANGED, actor=edited_by, target=task, details=details)
    return task


@transaction.atomic
def complete_task(*, task: Task, completed_by: Operator) -> Task:
    """Mark a task done (its owner, or anyone on its case)."""
    # Conditional, so that of two clicks only one counts; the version moves on, so that an
    # edit form opened before the task was done is refused instead of reviving it.
    updated = update_bumping_version(
        Task.objects.filter(pk=task.pk, done_at__isnull=True), done_at=timezone.now()
    )
    if updated != 1:
        raise WrongState
    task.refresh_from_db(fields=["done_at", "version"])
    record_event(
        AuditAction.RECORD_CHANGED, actor=completed_by, target=task, details={"done": True}
    )
    return task


@transaction.atomic
def schedule_checkin(
    *,
    case: Case,
    person: CasePerson | None,
    due_at: datetime,
    grace_minutes: int,
    created_by: Operator,
) -> CheckIn:
    """Agree a time at which the person gets in touch; silence past it raises an alarm."""
    check_open_case(created_by, case)
    checkin = CheckIn.objects.create(
        case=case, person=person, due_at=due_at, grace_minutes=grace_minutes, created_by=created_by
    )
    record_event(
        AuditAction.RECORD_CREATED, actor=created_by, target=checkin, details={"case": case.pk}
    )
    return checkin


@transaction.atomic
def confirm_checkin(*, checkin: CheckIn, confirmed_by: Operator) -> CheckIn:
    """The person got in touch: the check-in is kept and its alarm stops."""
    check_open_case(confirmed_by, checkin.case)
    updated = CheckIn.objects.filter(pk=checkin.pk, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=confirmed_by
    )
    if updated != 1:
        raise WrongState
    checkin.refresh_from_db()
    record_event(
        AuditAction.RECORD_CHANGED, actor=confirmed_by, target=checkin, details={"confirmed": True}
    )
    return checkin
