"""Taking, handing over, editing and triaging contacts. Every change bumps `version`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Case, F, Value, When
from django.http import Http404
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.permissions import has_capability, require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.concurrency import save_with_version, update_bumping_version
from refuge.hotline.errors import (
    CannotMerge,
    CannotShare,
    ContactAlreadyTaken,
    ContactChanged,
    ContactClosed,
    NotYours,
)
from refuge.hotline.models import OPEN_STATUSES, CloseReason, Contact, ContactStatus
from refuge.hotline.selectors import contacts_visible_to, get_contact_for
from refuge.hotline.services.followups import mark_read
from refuge.vault import api as vault


@transaction.atomic
def open_contact(*, operator: Operator, contact_id: int) -> Contact:
    """Fetch a contact this operator may read, audit the read; its new messages are read now."""
    require(operator, Capability.HANDLE_CONTACTS)
    contact = get_contact_for(operator, contact_id)
    unread = mark_read(contact)
    record_event(
        AuditAction.RECORD_READ,
        actor=operator,
        target=contact,
        details={"unread_read": unread} if unread else None,
    )
    return contact


def require_visible(operator: Operator, contact: Contact) -> None:
    """Refuse (as "not found") a contact whose envelope is not sealed to this operator."""
    require(operator, Capability.HANDLE_CONTACTS)
    if not contacts_visible_to(operator).filter(pk=contact.pk).exists():
        raise Http404


@transaction.atomic
def take_contact(*, contact: Contact, operator: Operator) -> None:
    """Assign an unassigned open contact to this operator; the first of two at once wins."""
    require_visible(operator, contact)
    taken = update_bumping_version(
        Contact.objects.filter(pk=contact.pk, assigned_to__isnull=True, status__in=OPEN_STATUSES),
        assigned_to=operator,
        status=Case(
            When(status=ContactStatus.NEW, then=Value(ContactStatus.IN_PROGRESS)),
            default=F("status"),
        ),
    )
    if not taken:
        current = Contact.objects.select_related("assigned_to").get(pk=contact.pk)
        if current.status not in OPEN_STATUSES:
            raise ContactClosed
        if current.assigned_to_id == operator.pk:
            return
        raise ContactAlreadyTaken(holder=str(current.assigned_to))
    record_event(
        AuditAction.RECORD_CHANGED, actor=operator, target=contact, details={"change": "taken"}
    )


@transaction.atomic
def hand_over(*, contact: Contact, operator: Operator, to: Operator | None) -> None:
    """Pass a contact to a colleague (sharing its envelope) or back to the queue (None)."""
    require_visible(operator, contact)
    is_supervisor = has_capability(operator, Capability.SUPERVISE_HOTLINE)
    if contact.assigned_to_id != operator.pk and not is_supervisor:
        raise NotYours
    if to is not None:
        if not has_capability(to, Capability.HANDLE_CONTACTS):
            raise CannotShare
        if to.pk not in vault.readers_of(contact.envelope_id):
            try:
                vault.share(contact.envelope_id, reader=to, granted_by=operator)
            except vault.VaultError as error:
                raise CannotShare from error
    moved = update_bumping_version(
        Contact.objects.filter(
            pk=contact.pk, assigned_to_id=contact.assigned_to_id, status__in=OPEN_STATUSES
        ),
        assigned_to=to,
    )
    if not moved:
        raise ContactChanged
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=operator,
        target=contact,
        details={"change": "handed_over", "to": to.pk if to else None},
    )


@dataclass(frozen=True, slots=True)
class ContactChanges:
    urgency: str
    status: str
    summary: str
    next_step: str
    risk_flags: list[str]
    due_at: datetime | None


@transaction.atomic
def update_contact(
    *, contact: Contact, operator: Operator, expected_version: int, changes: ContactChanges
) -> None:
    """Save an operator's edit unless the contact changed meanwhile (no lost update)."""
    require_visible(operator, contact)
    if contact.status not in OPEN_STATUSES:
        raise ContactClosed
    save_with_version(contact, [], expected_version=expected_version, conflict=ContactChanged)
    contact.urgency = changes.urgency
    contact.status = changes.status
    contact.summary = changes.summary or None
    contact.next_step = changes.next_step or None
    contact.risk_flags = sorted(changes.risk_flags)
    contact.due_at = changes.due_at
    contact.save(
        update_fields=["urgency", "status", "summary", "next_step", "risk_flags", "due_at"]
    )
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=operator,
        target=contact,
        details={"change": "edited", "urgency": changes.urgency},
    )


@transaction.atomic
def close_contact(
    *, contact: Contact, operator: Operator, reason: CloseReason, expected_version: int
) -> None:
    """Close with a coded reason."""
    require_visible(operator, contact)
    if contact.status not in OPEN_STATUSES:
        raise ContactClosed
    save_with_version(contact, [], expected_version=expected_version, conflict=ContactChanged)
    Contact.objects.filter(pk=contact.pk).update(
        status=ContactStatus.CLOSED,
        close_reason=reason,
        closed_at=timezone.now(),
        closed_by=operator,
    )
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=operator,
        target=contact,
        details={"change": "closed", "reason": reason},
    )


@transaction.atomic
def merge_contact(
    *, contact: Contact, operator: Operator, into_id: int, expected_version: int
) -> Contact:
    """Fold a duplicate into an open contact the operator can read; returns the target."""
    require_visible(operator, contact)
    if contact.status not in OPEN_STATUSES:
        raise ContactClosed
    target = (
        contacts_visible_to(operator)
        .filter(pk=into_id, status__in=OPEN_STATUSES)
        .exclude(pk=contact.pk)
        .first()
    )
    if target is None:
        raise CannotMerge
    save_with_version(contact, [], expected_version=expected_version, conflict=ContactChanged)
    Contact.objects.filter(pk=contact.pk).update(
        status=ContactStatus.MERGED,
        merged_into=target,
        close_reason=CloseReason.DUPLICATE,
        closed_at=timezone.now(),
        closed_by=operator,
    )
    if contact.profile_id and not target.profile_id:
        Contact.objects.filter(pk=target.pk).update(profile_id=contact.profile_id)
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=operator,
        target=contact,
        details={"change": "merged", "into": target.pk},
    )
    return target


@transaction.atomic
def mark_case_opened(*, contact: Contact, operator: Operator, case_id: int | str) -> None:
    """For the cases app: the contact became a case, so it leaves the queue (audited).

    Refused with ContactClosed when it already became a case, with ContactChanged when
    someone changed it since it was read (its `version`)."""
    require_visible(operator, contact)
    if contact.status == ContactStatus.CASE_OPENED:
        raise ContactClosed
    contact.status, contact.closed_at = ContactStatus.CASE_OPENED, timezone.now()
    save_with_version(
        contact, ["status", "closed_at"], expected_version=contact.version, conflict=ContactChanged
    )
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=operator,
        target=contact,
        details={"change": "case_opened", "case": str(case_id)[:64]},
    )
