"""Flags that follow the person: indexing what a report gives, lifting a flag early."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.hotline import identifiers
from refuge.hotline.errors import FlagNotStanding, InvalidIdentifier, LiftReasonRequired
from refuge.hotline.models import Channel, Contact, Identifier, ProfileFlag
from refuge.hotline.services.calls import try_index
from refuge.vault import api as vault

# A channel (a higher app) names the identifiers a contact came with: its address on the
# channel (an e-mail address, a Telegram chat id), as (IdentifierKind, value) pairs.
ReporterIdentifiers = Callable[[Contact], list[tuple[str, str]]]
_providers: list[ReporterIdentifiers] = []


def register_reporter_identifiers(provider: ReporterIdentifiers) -> None:
    """Called by a higher app (channels) in its AppConfig.ready."""
    if provider not in _providers:
        _providers.append(provider)


def _reporter_identifiers(contact: Contact, line: object) -> list[tuple[str, str]]:
    found = identifiers.identifiers_in_text(str(line or ""))
    for provider in _providers:
        found += [item for item in provider(contact) if item not in found]
    return found


@transaction.atomic
def index_contact_line(*, contact: Contact, operator: Operator) -> int:
    """Blind-index the numbers, e-mails and handles a report came with (a web report's "safe
    way to contact you" line, the address a channel's message came from), once, so that
    flags, exposures and earlier contacts find the reporter; returns how many.

    The anonymous request (or the worker) that brought the report holds no index key, so this
    runs when an operator who holds it first reads the contact. Without the key nothing is
    marked, and the next reader tries again.
    """
    if (
        contact.channel == Channel.PHONE
        or contact.thread is None
        or contact.contact_line_indexed_at is not None
    ):
        return 0
    line = contact.thread.contact_instructions
    if line is not None and not vault.is_readable(line):
        return 0
    found = []
    for kind, value in _reporter_identifiers(contact, line):
        try:
            index = try_index(kind, value)
        except (InvalidIdentifier, ValueError):
            continue  # words that looked like a number: nothing to match on
        if index is None:
            return 0
        found.append((kind, value, index))
    for kind, value, index in found:
        Identifier.objects.create(
            envelope_id=contact.envelope_id,
            kind=kind,
            value=value,
            blind_index=index,
            contact=contact,
        )
    contact.contact_line_indexed_at = timezone.now()
    Contact.objects.filter(pk=contact.pk).update(
        contact_line_indexed_at=contact.contact_line_indexed_at
    )
    if found:
        record_event(
            AuditAction.RECORD_CREATED,
            actor=operator,
            target=contact,
            details={"contact_line_identifiers": len(found)},
        )
    return len(found)


@transaction.atomic
def lift_flag(*, flag: ProfileFlag, operator: Operator, reason: str) -> ProfileFlag:
    """End a flag before its expiry, for a written reason (sealed with the profile)."""
    require(operator, Capability.HANDLE_CONTACTS)
    if not reason.strip():
        raise LiftReasonRequired
    lifted = ProfileFlag.objects.filter(
        pk=flag.pk, lifted_at__isnull=True, expires_at__gt=timezone.now()
    ).update(lifted_at=timezone.now(), lifted_by=operator)
    if not lifted:
        raise FlagNotStanding
    flag.refresh_from_db(fields=["lifted_at", "lifted_by"])
    if flag.envelope_id is None:  # a flag older than sealed notes: it takes its profile's
        flag.envelope_id = flag.profile.envelope_id
    flag.lift_reason = reason.strip()
    flag.save(update_fields=["envelope", "lift_reason"])
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=operator,
        target=flag,
        details={"profile": flag.profile_id, "kind": flag.kind, "lifted": True},
    )
    return flag
