"""Who sees which two-person requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.approvals import registry
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.vault import api as vault

RECENT = 50


@dataclass(frozen=True, slots=True)
class ActionView:
    """One request as a page shows it."""

    action: PendingAction
    label: str
    url: str
    target_exists: bool
    may_confirm: bool
    is_mine: bool
    is_overdue: bool


def may_see(operator: Operator, action: PendingAction) -> bool:
    """The requester, whoever decided, and those it was sealed to or who may confirm it."""
    if not getattr(operator, "pk", None):
        return False
    if operator.pk in (action.requested_by_id, action.decided_by_id):
        return True
    if operator.pk in vault.readers_of(action.envelope_id):
        return True
    return view_of(action, operator).may_confirm


def view_of(action: PendingAction, operator: Operator) -> ActionView:
    handler = registry.handler_for(action.kind)
    target = handler.find(action.target_id)
    is_mine = action.requested_by_id == operator.pk
    may_confirm = (
        target is not None
        and not is_mine
        and action.status == ActionStatus.PENDING
        and handler.may_confirm(operator, target)
    )
    return ActionView(
        action=action,
        label=str(handler.label),
        url=handler.describe(target).url if target is not None else "",
        target_exists=target is not None,
        may_confirm=may_confirm,
        is_mine=is_mine,
        is_overdue=action.status == ActionStatus.PENDING and action.expires_at <= timezone.now(),
    )


def read_view_of(action: PendingAction, operator: Operator) -> ActionView:
    """The action as this operator sees it, its reason included: the read is audited."""
    view = view_of(action, operator)
    record_event(AuditAction.RECORD_READ, actor=operator, target=action)
    return view


def pending_for(operator: Operator) -> list[ActionView]:
    """Requests waiting for a second person that this operator asked for or may confirm."""
    pending = (
        PendingAction.objects.filter(status=ActionStatus.PENDING)
        .select_related("requested_by")
        .order_by("expires_at", "pk")
    )
    views = [view_of(action, operator) for action in pending]
    return [view for view in views if view.is_mine or view.may_confirm]


def waiting_count(operator: Operator) -> int:
    """How many requests wait for this operator's confirmation (the console home says so)."""
    return sum(1 for view in pending_for(operator) if view.may_confirm and not view.is_overdue)


def decided_for(operator: Operator) -> list[ActionView]:
    """The latest decided requests this operator asked for or decided."""
    from django.db.models import Q

    decided = (
        PendingAction.objects.exclude(status=ActionStatus.PENDING)
        .filter(Q(requested_by=operator.pk) | Q(decided_by=operator.pk))
        .select_related("requested_by", "decided_by")[:RECENT]
    )
    return [view_of(action, operator) for action in decided]


def pending_request(kind: str, target: Any) -> PendingAction | None:
    """The request waiting for a second person about this record, if there is one."""
    return (
        PendingAction.objects.filter(
            kind=kind,
            target_type=target._meta.label,
            target_id=str(target.pk),
            status=ActionStatus.PENDING,
        )
        .select_related("requested_by")
        .first()
    )
