"""Opening a case from a hotline contact, and sharing it."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import has_capability, require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.errors import (
    AlreadyLead,
    CaseChanged,
    ContactAlreadyHasCase,
    LeadNotOnCase,
    NoKeyYet,
    RemovalRefused,
)
from refuge.cases.models import Case, CaseMember, CasePerson, Stage, StageChange, StageCode
from refuge.cases.permissions import (
    can_view_case,
    removal_refusal,
    require_lead_or_coordinator,
    require_member,
)
from refuge.cases.services._common import check_open_case
from refuge.cases.services.movement import hand_over_movements
from refuge.core.concurrency import save_with_version
from refuge.core.errors import ConflictError
from refuge.hotline import services as hotline
from refuge.hotline.errors import ContactChanged
from refuge.hotline.models import Contact, ContactStatus
from refuge.vault import api as vault


def _contact_text(contact: Contact) -> str:
    """The contact's summary, or for a web report the reporter's first message."""
    summary = contact.summary
    if summary:
        return str(summary)
    if contact.thread is not None:
        first = contact.thread.messages.order_by("created_at", "pk").first()
        if first is not None:
            return str(first.body)
    return ""


def readable_contact(contact_id: int) -> Contact:
    """The contact if the current keyring can read it; 404 otherwise (it does not exist)."""
    contact = Contact.objects.select_related("thread").filter(pk=contact_id).first()
    if contact is None or not vault.can_read(contact.envelope_id):
        raise Http404
    return contact


@transaction.atomic
def open_case_from_contact(
    *, contact_id: int, opened_by: Operator, pseudonym: str, case_workers: Sequence[Operator] = ()
) -> Case:
    """Open a case carrying the contact over; seal it to the opener and chosen case workers."""
    require(opened_by, Capability.MANAGE_CASES)
    contact = readable_contact(contact_id)
    if contact.status == ContactStatus.CASE_OPENED:
        raise ContactAlreadyHasCase
    case = open_case(
        opened_by=opened_by,
        pseudonym=pseudonym,
        case_workers=case_workers,
        summary=_contact_text(contact),
        contact=contact,
    )
    try:
        hotline.mark_case_opened(contact=contact, operator=opened_by, case_id=case.pk)
    except ContactChanged as error:
        raise ConflictError(
            _("The contact changed while you were opening the case. Reload and try again.")
        ) from error
    for worker in _members(opened_by, case_workers):
        if worker.pk != opened_by.pk:
            vault.share(contact.envelope_id, reader=worker, granted_by=opened_by)
    return case


def members_of_cases_from(contact_ids: Sequence[int]) -> set[tuple[int, int]]:
    """(contact id, operator id) for every member of a case opened from these contacts: they
    keep the contact when its intake-duty grants lapse (hotline.services.intake)."""
    return set(
        CaseMember.objects.filter(case__opened_from_id__in=list(contact_ids)).values_list(
            "case__opened_from_id", "operator_id"
        )
    )


def _members(opened_by: Operator, case_workers: Sequence[Operator]) -> list[Operator]:
    unique = {opened_by.pk: opened_by}
    for worker in case_workers:
        if has_capability(worker, Capability.MANAGE_CASES):
            unique.setdefault(worker.pk, worker)
    return list(unique.values())


@transaction.atomic
def open_case(
    *,
    opened_by: Operator,
    pseudonym: str,
    case_workers: Sequence[Operator] = (),
    summary: str = "",
    contact: Contact | None = None,
) -> Case:
    """Open a case with one pseudonymous person, at the first stage."""
    require(opened_by, Capability.MANAGE_CASES)
    members = _members(opened_by, case_workers)
    envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=members)
    first_stage = Stage.objects.get(code=StageCode.NEW)
    now = timezone.now()
    case = Case.objects.create(
        envelope=envelope,
        stage=first_stage,
        opened_from=contact,
        lead=opened_by,
        opened_by=opened_by,
        stage_changed_at=now,
        title=pseudonym,
        summary=summary or None,
    )
    for member in members:
        CaseMember.objects.create(case=case, operator=member, added_by=opened_by)
    CasePerson.objects.create(case=case, envelope=envelope, pseudonym=pseudonym)
    StageChange.objects.create(
        case=case, envelope=envelope, to_stage=first_stage, changed_by=opened_by
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=opened_by,
        target=case,
        details={"contact": contact.pk if contact else None, "members": len(members)},
    )
    return case


@transaction.atomic
def share_case(*, case: Case, operator: Operator, shared_by: Operator) -> None:
    """Let one more case worker see and read the case (a vault grant and a membership)."""
    require_member(shared_by, case)
    require(operator, Capability.MANAGE_CASES)
    try:
        vault.share(case.envelope_id, reader=operator, granted_by=shared_by)
    except vault.VaultError as error:
        raise NoKeyYet from error
    if case.opened_from is not None and vault.can_read(case.opened_from.envelope_id):
        vault.share(case.opened_from.envelope_id, reader=operator, granted_by=shared_by)
    CaseMember.objects.get_or_create(case=case, operator=operator, defaults={"added_by": shared_by})
    record_event(
        AuditAction.GRANT_ADDED, actor=shared_by, target=case, details={"reader": operator.pk}
    )


@transaction.atomic
def unshare_case(*, case: Case, operator: Operator, unshared_by: Operator) -> None:
    """Take the case away from someone: no grant, no membership, the case vanishes for them,
    and so do the movement records they read as its lead or as a coordinator on it.

    Only the lead or a coordinator on the case does this, only a coordinator to a coordinator
    (permissions.removal_refusal). Removing the lead is a change of lead: a coordinator takes
    the case over and receives its movement records.
    """
    require_member(unshared_by, case)
    refusal = removal_refusal(unshared_by, case, operator)
    if refusal is not None:
        raise RemovalRefused(refusal)
    movement_envelopes = list(case.movements.values_list("envelope_id", flat=True))
    if case.lead_id == operator.pk:
        check_open_case(unshared_by, case)
        case.lead = unshared_by
        case.save(update_fields=["lead"])
        hand_over_movements(case=case, previous_lead=operator, handed_by=unshared_by)
        record_event(
            AuditAction.RECORD_CHANGED,
            actor=unshared_by,
            target=case,
            details={"lead": unshared_by.pk, "previous_lead": operator.pk},
        )
    vault.revoke(case.envelope_id, reader=operator, revoked_by=unshared_by)
    CaseMember.objects.filter(case=case, operator=operator).delete()
    for envelope_id in movement_envelopes:
        if operator.pk in vault.readers_of(envelope_id):
            vault.revoke(envelope_id, reader=operator, revoked_by=unshared_by)
    record_event(
        AuditAction.GRANT_REVOKED, actor=unshared_by, target=case, details={"reader": operator.pk}
    )


@transaction.atomic
def change_lead(*, case: Case, lead: Operator, version: int, changed_by: Operator) -> Case:
    """Hand the case to another case worker it is shared with (its lead or a coordinator
    decides); the new lead also receives the movement records, which only leads read."""
    require_lead_or_coordinator(changed_by, case)
    check_open_case(changed_by, case)
    if lead.pk == case.lead_id:
        raise AlreadyLead
    if not can_view_case(lead, case):
        raise LeadNotOnCase
    save_with_version(case, [], expected_version=version, conflict=CaseChanged)
    previous = case.lead
    case.lead = lead
    case.save(update_fields=["lead"])
    hand_over_movements(case=case, previous_lead=previous, handed_by=changed_by)
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=changed_by,
        target=case,
        details={"lead": lead.pk, "previous_lead": previous.pk},
    )
    return case
