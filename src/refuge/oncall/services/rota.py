"""The rota: coordinators put operators on call; everyone sees who is on call now."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.errors import DomainError
from refuge.oncall.models import Position, Shift


class ShiftError(DomainError):
    """A shift that cannot be: the message says why."""


def shifts_at(moment: datetime, *, position: Position | None = None) -> QuerySet[Shift]:
    shifts = Shift.objects.filter(
        starts_at__lte=moment, ends_at__gt=moment, operator__is_active=True
    ).select_related("operator")
    return shifts.filter(position=position) if position else shifts


def on_call(position: Position, *, at: datetime | None = None) -> list[Operator]:
    """The active operators on call in `position` at `at` (now), each once."""
    seen: dict[int, Operator] = {}
    for shift in shifts_at(at or timezone.now(), position=position):
        seen.setdefault(shift.operator_id, shift.operator)
    return list(seen.values())


def upcoming_shifts(*, now: datetime | None = None) -> QuerySet[Shift]:
    return Shift.objects.filter(ends_at__gt=now or timezone.now()).select_related("operator")


@transaction.atomic
def add_shift(
    *,
    actor: Operator,
    operator: Operator,
    position: Position,
    starts_at: datetime,
    ends_at: datetime,
) -> Shift:
    require(actor, Capability.SUPERVISE_HOTLINE)
    if ends_at <= starts_at:
        raise ShiftError(_("A shift must end after it starts."))
    if ends_at <= timezone.now():
        raise ShiftError(_("This shift is already over."))
    if not operator.is_active:
        raise ShiftError(_("This account is deactivated: it cannot be on call."))
    shift = Shift.objects.create(
        operator=operator,
        position=position,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=actor,
        target=shift,
        details={"operator": operator.pk, "position": position},
    )
    return shift


@transaction.atomic
def remove_shift(*, actor: Operator, shift: Shift) -> None:
    require(actor, Capability.SUPERVISE_HOTLINE)
    record_event(
        AuditAction.RECORD_DELETED,
        actor=actor,
        target=shift,
        details={"operator": shift.operator_id, "position": shift.position},
    )
    shift.delete()
