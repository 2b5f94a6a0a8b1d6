"""People in a case: details, identifiers, consent, and removal."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.approvals.errors import CannotRead
from refuge.approvals.models import PendingAction
from refuge.approvals.services import request_action
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases import links
from refuge.cases.destruction import REMOVE_PERSON
from refuge.cases.identifiers import blind_index
from refuge.cases.models import (
    Case,
    CasePerson,
    Consent,
    ConsentKind,
    IdentifierKind,
    Partner,
    PersonIdentifier,
)
from refuge.cases.services._common import check_open_case
from refuge.vault import api as vault


@transaction.atomic
def save_person(
    *,
    case: Case,
    person: CasePerson | None,
    pseudonym: str,
    legal_name: str,
    phone: str,
    contact_details: str,
    saved_by: Operator,
) -> CasePerson:
    """Add or edit a person; their name and number are also indexed for exposure matching."""
    check_open_case(saved_by, case)
    if person is None:
        person = CasePerson(case=case, envelope_id=case.envelope_id)
    person.pseudonym = pseudonym
    person.legal_name, person.phone = legal_name or None, phone or None
    person.contact_details = contact_details or None
    person.save()
    identifiers = [(IdentifierKind.NAME, legal_name), (IdentifierKind.PHONE, phone)]
    index_identifiers(person=person, identifiers=[pair for pair in identifiers if pair[1]])
    record_event(
        AuditAction.RECORD_CHANGED, actor=saved_by, target=person, details={"case": case.pk}
    )
    return person


def index_identifiers(
    *, person: CasePerson, identifiers: Sequence[tuple[str, str]]
) -> list[PersonIdentifier]:
    """Replace the person's blind indexes of these kinds."""
    kinds = {kind for kind, _value in identifiers}
    person.identifiers.filter(kind__in=kinds).delete()
    return [
        PersonIdentifier.objects.get_or_create(
            person=person, kind=kind, blind_index=blind_index(kind, value)
        )[0]
        for kind, value in identifiers
    ]


@transaction.atomic
def record_consent(
    *,
    person: CasePerson,
    kind: ConsentKind,
    is_granted: bool,
    partners: Sequence[Partner],
    recorded_by: Operator,
) -> Consent:
    """Record the person's answer about one use of their data, with who and when."""
    check_open_case(recorded_by, person.case)
    consent = Consent.objects.create(
        person=person, kind=kind, is_granted=is_granted, recorded_by=recorded_by
    )
    if kind == ConsentKind.SHARE_PARTNERS and is_granted:
        consent.partners.set(partners)
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=recorded_by,
        target=person,
        details={"consent": kind, "granted": is_granted},
    )
    return consent


def request_person_removal(
    *,
    person: CasePerson,
    keep_anonymised: bool,
    reason: str,
    requested_by: Operator,
    linked: links.KeepChoice = links.KeepChoice.KEEP,
) -> PendingAction:
    """Ask for a person to be removed; a coordinator on the case confirms (cases.destruction)
    and only then is anything erased."""
    return request_action(
        kind=REMOVE_PERSON,
        target=person,
        reason=reason,
        requested_by=requested_by,
        details={"keep": "anonymised" if keep_anonymised else "delete", "linked": linked.value},
    )


@transaction.atomic
def remove_person(
    *,
    person: CasePerson,
    keep_anonymised: bool,
    removed_by: Operator,
    linked: links.KeepChoice = links.KeepChoice.KEEP,
) -> None:
    """Remove a person: either keep an anonymised stand-in, or delete them and everything of
    theirs in the case. `linked` says what becomes of other apps' records about them
    (documentation's victim record and testimonies); the view asks when there are any.

    Called by a confirmed two-person act (request_person_removal), never from a page; the one
    who carries it out must be able to read the case."""
    case = person.case
    check_open_case(removed_by, case)
    if not vault.can_read(case.envelope_id):
        raise CannotRead
    links.release_person(person, linked, removed_by)
    record_event(
        AuditAction.RECORD_DELETED,
        actor=removed_by,
        target=person,
        details={"case": case.pk, "anonymised": keep_anonymised, "linked_records": linked.value},
    )
    if not keep_anonymised:
        person.delete()
        return
    person.identifiers.all().delete()
    person.pseudonym = _("Anonymised person")
    person.legal_name = person.phone = person.contact_details = None
    person.is_anonymised = True
    person.save(
        update_fields=["pseudonym", "legal_name", "phone", "contact_details", "is_anonymised"]
    )
