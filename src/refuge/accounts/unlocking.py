"""Lifting a duress lock and reopening the console after an emergency lock: two coordinators.

A coordinator who is coerced, or whose login is in someone else's hands, must not undo alone
what a duress password or an emergency lock did. Each lift needs the approval of
`settings.UNLOCK_COORDINATORS` distinct coordinators (default 2; 1 lets one coordinator do it
alone) given within `UNLOCK_APPROVAL_HOURS`. An approval counts only for the lock it was given
under, and only from an active, unlocked coordinator whose account existed before that lock
began: an account made afterwards (perhaps by a coercer, with the coerced coordinator's login)
does not count. Every approval is audited (LOCK_LIFT_APPROVED); the one that completes the
count lifts the lock in the same transaction (OPERATOR_CHANGED with "unlocked", or
CONSOLE_REOPENED).

After an emergency lock the console is closed: only coordinators may log in, and they see
only the page that reopens it (accounts.middleware); the public intake keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts import duress
from refuge.accounts.errors import ConsoleClosed, LockLiftRefused
from refuge.accounts.models import CoordinatorAlert, GlobalLock, LockLiftApproval, Operator
from refuge.accounts.permissions import has_capability, require
from refuge.accounts.roles import Capability, Role
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event

Kind = LockLiftApproval.Kind


@dataclass(frozen=True, slots=True)
class LiftProgress:
    """Who approved lifting one lock so far, and how many approvals it takes."""

    approved_by: tuple[str, ...]
    needed: int
    eligible: int  # coordinators who may approve this lock (the approvers included)

    @property
    def approvals(self) -> int:
        return len(self.approved_by)

    @property
    def is_complete(self) -> bool:
        return self.approvals >= self.needed

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.approvals)

    @property
    def is_possible(self) -> bool:
        """False when too few coordinators may approve: say so instead of waiting forever."""
        return self.eligible >= self.needed


def approvals_needed() -> int:
    return max(1, settings.UNLOCK_COORDINATORS)


def _window_start(lock_began: datetime | None) -> datetime:
    recent = timezone.now() - timedelta(hours=settings.UNLOCK_APPROVAL_HOURS)
    return max(recent, lock_began) if lock_began is not None else recent


def _eligible_coordinators(lock_began: datetime | None) -> QuerySet[Operator]:
    coordinators = Operator.objects.filter(role=Role.COORDINATOR, is_active=True, locked_reason="")
    if lock_began is not None:
        coordinators = coordinators.filter(date_joined__lt=lock_began)
    return coordinators


def _valid_approvals(
    kind: str, operator: Operator | None, lock_began: datetime | None
) -> QuerySet[LockLiftApproval]:
    return LockLiftApproval.objects.filter(
        kind=kind,
        operator=operator,
        created_at__gte=_window_start(lock_began),
        approved_by__in=_eligible_coordinators(lock_began),
    ).select_related("approved_by")


def _progress(kind: str, operator: Operator | None, lock_began: datetime | None) -> LiftProgress:
    names = tuple(
        dict.fromkeys(
            approval.approved_by.username
            for approval in _valid_approvals(kind, operator, lock_began)
        )
    )
    return LiftProgress(
        approved_by=names,
        needed=approvals_needed(),
        eligible=_eligible_coordinators(lock_began).count(),
    )


def _approve(
    *, kind: str, operator: Operator | None, lock_began: datetime | None, approved_by: Operator
) -> LiftProgress:
    """Record one approval (refusing a second from the same coordinator); return the count."""
    require(approved_by, Capability.MANAGE_OPERATORS)
    if not _eligible_coordinators(lock_began).filter(pk=approved_by.pk).exists():
        raise LockLiftRefused(
            _("Only a coordinator whose account existed before the lock may approve lifting it.")
        )
    valid = _valid_approvals(kind, operator, lock_began)
    if valid.filter(approved_by=approved_by).exists():
        raise LockLiftRefused(
            _("You have already approved this. Another coordinator must approve too.")
        )
    LockLiftApproval.objects.create(kind=kind, operator=operator, approved_by=approved_by)
    progress = _progress(kind, operator, lock_began)
    details: dict[str, str | int] = {
        "kind": kind,
        "approvals": progress.approvals,
        "needed": progress.needed,
    }
    if operator is not None:
        record_event(
            AuditAction.LOCK_LIFT_APPROVED, actor=approved_by, target=operator, details=details
        )
    else:
        record_event(
            AuditAction.LOCK_LIFT_APPROVED,
            actor=approved_by,
            target_type="accounts.GlobalLock",
            target_id=1,
            details=details,
        )
    return progress


# --- Duress locks ------------------------------------------------------------------------------


def duress_lock_began(operator: Operator) -> datetime | None:
    """When the account's current duress lock began (its oldest open duress alert)."""
    alert = (
        CoordinatorAlert.objects.filter(
            operator=operator, kind=CoordinatorAlert.Kind.DURESS, resolved_at=None
        )
        .order_by("created_at")
        .first()
    )
    return alert.created_at if alert is not None else None


def duress_unlock_progress(operator: Operator) -> LiftProgress:
    return _progress(Kind.DURESS, operator, duress_lock_began(operator))


@transaction.atomic
def approve_duress_unlock(*, operator: Operator, approved_by: Operator) -> LiftProgress:
    """One coordinator's approval; the one that completes the count unlocks the account."""
    require(approved_by, Capability.MANAGE_OPERATORS)
    locked = Operator.objects.select_for_update().get(pk=operator.pk)
    if not locked.locked_reason:
        raise LockLiftRefused(_("This account is not locked."))
    if locked.pk == approved_by.pk:
        raise LockLiftRefused(_("Another coordinator must lift the lock on your account."))
    progress = _approve(
        kind=Kind.DURESS,
        operator=locked,
        lock_began=duress_lock_began(locked),
        approved_by=approved_by,
    )
    if progress.is_complete:
        duress.unlock_operator(operator=locked, unlocked_by=approved_by)
        LockLiftApproval.objects.filter(kind=Kind.DURESS, operator=locked).delete()
    return progress


# --- Closing and reopening the console ---------------------------------------------------------


def console_closed_at() -> datetime | None:
    return GlobalLock.objects.filter(pk=1).values_list("closed_at", flat=True).first()


def close_console() -> None:
    """Called by the emergency lock, inside its transaction."""
    GlobalLock.objects.filter(pk=1).update(closed_at=timezone.now())
    LockLiftApproval.objects.filter(kind=Kind.REOPEN).delete()


def ensure_console_open_for(operator: Operator) -> None:
    """Raise ConsoleClosed for anyone but a coordinator while the console is closed."""
    if console_closed_at() is not None and not has_capability(
        operator, Capability.MANAGE_OPERATORS
    ):
        record_event(
            AuditAction.LOGIN_LOCKED, target=operator, details={"reason": "console_closed"}
        )
        raise ConsoleClosed


def reopen_progress() -> LiftProgress:
    return _progress(Kind.REOPEN, None, console_closed_at())


@transaction.atomic
def approve_reopen(*, approved_by: Operator) -> LiftProgress:
    """One coordinator's approval; the one that completes the count reopens the console."""
    require(approved_by, Capability.MANAGE_OPERATORS)
    GlobalLock.objects.get_or_create(pk=1)
    lock = GlobalLock.objects.select_for_update().get(pk=1)
    if lock.closed_at is None:
        raise LockLiftRefused(_("The console is open."))
    progress = _approve(
        kind=Kind.REOPEN, operator=None, lock_began=lock.closed_at, approved_by=approved_by
    )
    if progress.is_complete:
        GlobalLock.objects.filter(pk=1).update(closed_at=None)
        LockLiftApproval.objects.filter(kind=Kind.REOPEN).delete()
        record_event(
            AuditAction.CONSOLE_REOPENED,
            actor=approved_by,
            target_type="accounts.GlobalLock",
            target_id=1,
            details={"approvals": progress.approvals},
        )
    return progress
