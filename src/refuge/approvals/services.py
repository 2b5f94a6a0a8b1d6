"""Ask for a two-person act, confirm it, refuse or withdraw it, and let it expire."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.approvals import registry
from refuge.approvals.errors import (
    AlreadyDecided,
    AlreadyRequested,
    NotAConfirmer,
    ReasonRequired,
    RequestExpired,
    SecondPersonRequired,
    TargetGone,
)
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.approvals.registry import Details
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.vault import api as vault

MIN_REASON_CHARS = 10


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ReasonRequired(MIN_REASON_CHARS)
    return reason


def _target_key(target: models.Model) -> dict[str, str]:
    return {"target_type": target._meta.label, "target_id": str(target.pk)}


@transaction.atomic
def request_action(
    *,
    kind: str,
    target: models.Model,
    reason: str,
    requested_by: Operator,
    details: Details | None = None,
) -> PendingAction:
    """Ask for a two-person act on `target`; nothing happens until a second person confirms.

    The requester must be allowed to ask (the handler checks, reading access included) and
    must say why. Where the handler finds a fast path (a consent withdrawal on record), the
    act is done at once and recorded the same way.
    """
    handler = registry.handler_for(kind)
    reason = _clean_reason(reason)
    details = dict(details or {})
    handler.check_request(requested_by, target, details)
    pending = PendingAction.objects.filter(
        kind=kind, status=ActionStatus.PENDING, **_target_key(target)
    )
    if pending.exists():
        raise AlreadyRequested
    fast_path = handler.fast_path(requested_by, target, details)
    readers = [requested_by, *handler.confirmers(target)]
    action = PendingAction(
        kind=kind,
        reference=handler.describe(target).reference,
        details=details,
        envelope=vault.create_envelope(purpose=vault.Purpose.APPROVAL, readers=readers),
        requested_by=requested_by,
        expires_at=timezone.now() + _window(),
        **_target_key(target),
    )
    action.reason = reason
    if fast_path is not None:
        action.details = {**details, "fast_path": fast_path}
        action.status, action.decided_by = ActionStatus.DONE_AT_ONCE, requested_by
        action.decided_at = timezone.now()
    try:
        with transaction.atomic():  # two requests at once: the second is told
            action.save()
    except IntegrityError as error:
        raise AlreadyRequested from error
    record_event(
        AuditAction.APPROVAL_REQUESTED,
        actor=requested_by,
        target=action,
        details={
            "kind": kind,
            "target_type": action.target_type,
            "target_id": action.target_id,
            "fast_path": fast_path,
        },
    )
    if fast_path is not None:
        handler.execute(
            target=target, details=action.details, requested_by=requested_by, done_by=requested_by
        )
    return action


def _window() -> timedelta:
    return timedelta(hours=settings.APPROVALS_CONFIRM_HOURS)


def _locked(action: PendingAction) -> PendingAction:
    return PendingAction.objects.select_for_update().get(pk=action.pk)


def _refuse_if_decided(action: PendingAction, *, now: datetime) -> None:
    if action.status != ActionStatus.PENDING:
        raise AlreadyDecided(
            action.get_status_display(),
            action.decided_at,
            action.decided_by.username if action.decided_by else "",
        )
    if action.expires_at <= now:
        raise RequestExpired


@transaction.atomic
def confirm_action(
    *, action: PendingAction, confirmed_by: Operator, read_back: str = ""
) -> PendingAction:
    """The second person confirms: the act is carried out in the same transaction.

    Refused for the requester themselves, for anyone the handler does not name as a confirmer
    (a coordinator, or a lawyer for documentation, who can read the record), after the time
    window, and when the request was already decided (a replayed confirmation).
    """
    action = _locked(action)
    now = timezone.now()
    _refuse_if_decided(action, now=now)
    if action.requested_by_id == confirmed_by.pk:
        raise SecondPersonRequired
    handler = registry.handler_for(action.kind)
    target = handler.find(action.target_id)
    if target is None:
        raise TargetGone
    if not handler.may_confirm(confirmed_by, target):
        raise NotAConfirmer(str(handler.confirmer_label))
    if handler.needs_read_back:
        handler.check_read_back(target, action.details, read_back)
    _decide(action, ActionStatus.CONFIRMED, by=confirmed_by, at=now)
    record_event(
        AuditAction.APPROVAL_CONFIRMED,
        actor=confirmed_by,
        target=action,
        details={"kind": action.kind, "requested_by": action.requested_by_id},
    )
    handler.execute(
        target=target,
        details=action.details,
        requested_by=action.requested_by,
        done_by=confirmed_by,
    )
    return action


def _decide(action: PendingAction, status: ActionStatus, *, by: Operator, at: datetime) -> None:
    updated = PendingAction.objects.filter(pk=action.pk, status=ActionStatus.PENDING).update(
        status=status, decided_by=by, decided_at=at
    )
    if updated != 1:  # unreachable under the row lock; kept as the last word on replays
        raise AlreadyDecided(str(status), at, "")
    action.status, action.decided_by, action.decided_at = status, by, at


@transaction.atomic
def refuse_action(*, action: PendingAction, refused_by: Operator) -> PendingAction:
    """A confirmer refuses, or the requester withdraws: nothing is done."""
    action = _locked(action)
    now = timezone.now()
    _refuse_if_decided(action, now=now)
    handler = registry.handler_for(action.kind)
    if action.requested_by_id == refused_by.pk:
        status = ActionStatus.WITHDRAWN
    else:
        target = handler.find(action.target_id)
        if target is not None and not handler.may_confirm(refused_by, target):
            raise NotAConfirmer(str(handler.confirmer_label))
        status = ActionStatus.REFUSED
    _decide(action, status, by=refused_by, at=now)
    record_event(
        AuditAction.APPROVAL_REFUSED,
        actor=refused_by,
        target=action,
        details={"kind": action.kind, "status": status.value},
    )
    return action


@transaction.atomic
def expire_overdue(*, now: datetime | None = None) -> int:
    """Mark unconfirmed requests past their window as expired (a background worker will call this
    on a schedule; a late confirmation is refused whether or not it has run)."""
    now = now or timezone.now()
    overdue = list(
        PendingAction.objects.select_for_update().filter(
            status=ActionStatus.PENDING, expires_at__lte=now
        )
    )
    for action in overdue:
        PendingAction.objects.filter(pk=action.pk, status=ActionStatus.PENDING).update(
            status=ActionStatus.EXPIRED, decided_at=now
        )
        record_event(AuditAction.APPROVAL_EXPIRED, target=action, details={"kind": action.kind})
    return len(overdue)
