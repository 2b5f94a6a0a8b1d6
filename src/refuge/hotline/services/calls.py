"""Phone calls logged as they happen, identifiers, profiles and their flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.hotline import identifiers
from refuge.hotline.flags import FlagMatch, flags_matching
from refuge.hotline.models import (
    Channel,
    Contact,
    ContactStatus,
    Identifier,
    IdentifierKind,
    Profile,
    ProfileFlag,
)
from refuge.hotline.selectors import EarlierContact, earlier_contacts, get_profile_for
from refuge.hotline.services.intake import mark_intake_grants
from refuge.hotline.services.queue import require_visible
from refuge.intake.services import intake_readers
from refuge.vault import api as vault


@dataclass(frozen=True, slots=True)
class CallRecord:
    started_at: datetime
    ended_at: datetime | None
    caller_pseudonym: str
    what_they_said: str
    urgency: str
    risk_flags: list[str]
    next_step: str
    next_step_at: datetime | None
    callback_number: str = field(default="", repr=False)


@dataclass(frozen=True, slots=True)
class LoggedCall:
    contact: Contact
    earlier: list[EarlierContact]
    is_index_available: bool
    flags: list[FlagMatch] = field(default_factory=list)


def try_index(kind: str, value: str) -> str | None:
    """Blind index, or None when this operator's keyring cannot open the index key."""
    try:
        return identifiers.index_of(kind, value)
    except (vault.AccessDenied, vault.VaultLocked):
        return None


def _add_identifier(
    *,
    envelope_id: Any,
    kind: str,
    value: str,
    index: str | None,
    contact: Contact | None = None,
    profile: Profile | None = None,
) -> Identifier:
    return Identifier.objects.create(
        envelope_id=envelope_id,
        kind=kind,
        value=value.strip(),
        blind_index=index or "",
        contact=contact,
        profile=profile,
    )


@dataclass(frozen=True, slots=True)
class RepeatCheck:
    earlier: list[EarlierContact]
    is_index_available: bool
    flags: list[FlagMatch] = field(default_factory=list)


def check_repeat_caller(*, operator: Operator, number: str, pseudonym: str) -> RepeatCheck:
    """While the call goes on: was this number or name seen before? Saves nothing."""
    require(operator, Capability.HANDLE_CONTACTS)
    if number.strip():
        identifiers.normalise_phone(number)
    indexes = [
        try_index(kind, value)
        for kind, value in ((IdentifierKind.PHONE, number), (IdentifierKind.NAME, pseudonym))
        if value.strip()
    ]
    found = [index for index in indexes if index]
    return RepeatCheck(
        earlier_contacts(operator, indexes=found),
        is_index_available=len(found) == len(indexes),
        flags=flags_matching(operator, indexes=found),
    )


@transaction.atomic
def log_call(*, operator: Operator, call: CallRecord) -> LoggedCall:
    """Record a call, sealed to the operator and the intake pool; warn of repeat callers."""
    require(operator, Capability.HANDLE_CONTACTS)
    if call.callback_number:
        identifiers.normalise_phone(call.callback_number)  # refuse a malformed number early
    pool = intake_readers()
    envelope = vault.create_envelope(purpose=vault.Purpose.CONTACT, readers=[operator, *pool])
    # The call reached the organisation when it was logged: a call typed in afterwards with
    # an earlier start time was still answered at once, never "before it arrived".
    contact = Contact.objects.create(
        envelope=envelope,
        channel=Channel.PHONE,
        urgency=call.urgency,
        status=ContactStatus.IN_PROGRESS,
        assigned_to=operator,
        created_by=operator,
        summary=call.what_they_said,
        caller_pseudonym=call.caller_pseudonym or None,
        call_started_at=call.started_at,
        call_ended_at=call.ended_at,
        risk_flags=sorted(call.risk_flags),
        next_step=call.next_step or None,
        due_at=call.next_step_at,
    )
    wanted = [
        (IdentifierKind.PHONE, call.callback_number),
        (IdentifierKind.NAME, call.caller_pseudonym),
    ]
    indexes: list[str] = []
    is_index_available = True
    for kind, value in wanted:
        if not value.strip():
            continue
        index = try_index(kind, value)
        is_index_available = is_index_available and index is not None
        if index:
            indexes.append(index)
        _add_identifier(
            envelope_id=envelope.pk, kind=kind, value=value, index=index, contact=contact
        )
    contact.first_response_at = contact.created_at
    Contact.objects.filter(pk=contact.pk).update(first_response_at=contact.created_at)
    mark_intake_grants(
        contact=contact, operators=[reader for reader in pool if reader.pk != operator.pk]
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=operator,
        target=contact,
        details={"channel": Channel.PHONE, "urgency": call.urgency},
    )
    earlier = earlier_contacts(operator, indexes=indexes, exclude_contact_id=contact.pk)
    return LoggedCall(
        contact, earlier, is_index_available, flags=flags_matching(operator, indexes=indexes)
    )


@transaction.atomic
def reveal_identifier(*, operator: Operator, identifier: Identifier) -> str:
    """Show one identifier in clear, once, on an explicit request; audited."""
    require(operator, Capability.REVEAL_IDENTIFIERS)
    value = identifier.value
    if not vault.is_readable(value):
        return str(value)
    record_event(
        AuditAction.IDENTIFIER_REVEALED,
        actor=operator,
        target=identifier,
        details={"kind": identifier.kind},
    )
    return str(value)


@transaction.atomic
def open_profile(*, operator: Operator, profile_id: int) -> Profile:
    """Fetch a profile this operator may read, and audit the read."""
    require(operator, Capability.HANDLE_CONTACTS)
    profile = get_profile_for(operator, profile_id)
    record_event(AuditAction.RECORD_READ, actor=operator, target=profile)
    return profile


@transaction.atomic
def create_profile(
    *, operator: Operator, pseudonym: str, contact: Contact | None = None
) -> Profile:
    """A pseudonymous profile, sealed to its creator and the intake pool."""
    require(operator, Capability.HANDLE_CONTACTS)
    envelope = vault.create_envelope(
        purpose=vault.Purpose.PROFILE, readers=[operator, *intake_readers()]
    )
    profile = Profile.objects.create(envelope=envelope, pseudonym=pseudonym, created_by=operator)
    record_event(AuditAction.RECORD_CREATED, actor=operator, target=profile)
    if contact is not None:
        link_contact(operator=operator, contact=contact, profile=profile)
    return profile


@transaction.atomic
def link_contact(*, operator: Operator, contact: Contact, profile: Profile) -> None:
    require_visible(operator, contact)
    Contact.objects.filter(pk=contact.pk).update(profile=profile)
    contact.profile = profile
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=operator,
        target=contact,
        details={"change": "profile_linked", "profile": profile.pk},
    )


@transaction.atomic
def add_profile_identifier(
    *, operator: Operator, profile: Profile, kind: str, value: str
) -> Identifier:
    """Attach a number, handle or address to a profile, sealed and blind-indexed."""
    require(operator, Capability.HANDLE_CONTACTS)
    index = try_index(kind, value)
    if index is None:
        identifiers.normalise(kind, value)  # still refuse malformed input
    identifier = _add_identifier(
        envelope_id=profile.envelope_id, kind=kind, value=value, index=index, profile=profile
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=operator,
        target=identifier,
        details={"profile": profile.pk, "kind": kind},
    )
    return identifier


@transaction.atomic
def flag_profile(
    *, operator: Operator, profile: Profile, kind: str, expires_at: datetime, note: str = ""
) -> ProfileFlag:
    """Warn whoever meets this person again, until `expires_at`; the note is sealed."""
    require(operator, Capability.HANDLE_CONTACTS)
    flag = ProfileFlag.objects.create(
        profile=profile,
        kind=kind,
        expires_at=expires_at,
        created_by=operator,
        envelope_id=profile.envelope_id,
        note=note.strip() or None,
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=operator,
        target=flag,
        details={"profile": profile.pk, "kind": kind},
    )
    return flag
