"""Referrals to partner organisations: consented fields only, sealed to the partner's key,
after a second person approved."""

from __future__ import annotations

import json

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.approvals.selectors import pending_request
from refuge.approvals.services import request_action
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.cases.errors import (
    ConsentMissing,
    PartnerKeyChangePending,
    PartnerKeyMissing,
    PartnerNameTaken,
    SecondPersonRequired,
    WrongState,
)
from refuge.cases.models import Case, CasePerson, ConsentKind, Partner, Referral, ReferralStatus
from refuge.cases.partner_keys import CHANGE_PARTNER_KEY, key_fingerprint
from refuge.cases.selectors import has_consent
from refuge.cases.services._common import check_open_case
from refuge.core.concurrency import save_with_version
from refuge.vault import api as vault

PACKAGE_FORMAT = "refuge-referral-1"


def consented_person_fields(person: CasePerson, *, partner: Partner) -> dict[str, str]:
    """The person's fields this partner may receive. A field without consent is absent."""
    if not has_consent(person, ConsentKind.SHARE_PARTNERS, partner=partner):
        return {}
    fields = {"pseudonym": str(person.pseudonym or "")}
    if person.legal_name:
        fields["legal_name"] = str(person.legal_name)
    if has_consent(person, ConsentKind.PHONE_CONTACT):
        fields.update(
            {
                name: str(getattr(person, name))
                for name in ("phone", "contact_details")
                if getattr(person, name)
            }
        )
    if has_consent(person, ConsentKind.KEEP_TESTIMONY) and person.case.summary:
        fields["testimony"] = str(person.case.summary)
    return fields


@transaction.atomic
def request_referral(*, person: CasePerson, partner: Partner, requested_by: Operator) -> Referral:
    """Ask for a referral; nothing is sealed until a second person approves."""
    check_open_case(requested_by, person.case)
    if not has_consent(person, ConsentKind.SHARE_PARTNERS, partner=partner):
        raise ConsentMissing
    referral = Referral.objects.create(
        case=person.case, person=person, partner=partner, requested_by=requested_by
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=requested_by,
        target=referral,
        details={"case": person.case_id, "partner": partner.pk},
    )
    return referral


def _package(referral: Referral) -> tuple[bytes, list[str]]:
    person_fields = consented_person_fields(referral.person, partner=referral.partner)
    if not person_fields:
        raise ConsentMissing
    needs = [
        {"category": need.category, "status": need.status} for need in referral.case.needs.all()
    ]
    payload = {
        "format": PACKAGE_FORMAT,
        "reference": f"{referral.case.reference}/R{referral.pk}",
        "partner": referral.partner.name,
        "sealed_at": timezone.now().isoformat(),
        "person": person_fields,
        "needs": needs,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode(), sorted(person_fields)


@transaction.atomic
def decide_referral(*, referral: Referral, approve: bool, decided_by: Operator) -> Referral:
    """A second person approves (the package is sealed to the partner) or rejects."""
    check_open_case(decided_by, referral.case)
    require(decided_by, Capability.APPROVE_SPENDING)
    if referral.requested_by_id == decided_by.pk:
        raise SecondPersonRequired
    if referral.status != ReferralStatus.REQUESTED:
        raise WrongState
    referral.decided_by, referral.decided_at = decided_by, timezone.now()
    referral.status = ReferralStatus.REJECTED
    if approve:
        partner_key = Partner.objects.values_list("public_key", flat=True).get(
            pk=referral.partner_id
        )  # the key in force now, not as read with the referral
        if not partner_key:
            raise PartnerKeyMissing
        payload, included = _package(referral)
        referral.package = vault.seal_for_partner(partner_key, payload)
        referral.sealed_to_fingerprint = key_fingerprint(partner_key)
        referral.included_fields, referral.status = included, ReferralStatus.SEALED
    updated = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.REQUESTED).update(
        status=referral.status,
        decided_by=decided_by,
        decided_at=referral.decided_at,
        package=referral.package,
        included_fields=referral.included_fields,
        sealed_to_fingerprint=referral.sealed_to_fingerprint,
    )
    if updated != 1:
        raise WrongState
    record_event(
        AuditAction.EXPORT if approve else AuditAction.RECORD_CHANGED,
        actor=decided_by,
        target=referral,
        details={"status": referral.status, "fields": len(referral.included_fields)},
    )
    return referral


@transaction.atomic
def sealed_package(*, case: Case, referral_id: int, operator: Operator) -> Referral:
    """A sealed referral of this case, for download: the export is audited."""
    sealed = get_object_or_404(Referral, pk=referral_id, case=case, status=ReferralStatus.SEALED)
    record_event(AuditAction.EXPORT, actor=operator, target=sealed, details={"downloaded": True})
    return sealed


@transaction.atomic
def save_partner(
    *,
    partner: Partner | None,
    name: str,
    public_key: str,
    is_active: bool,
    saved_by: Operator,
    version: int | None = None,
    reason: str = "",
) -> Partner:
    """Add a partner organisation, or edit one as read at `version` (APPROVE_SPENDING holders).

    Name and activity change at once. A new key (for a new partner, or a different one) is
    only asked for, with `reason`: it is in force once a second person confirmed its
    fingerprint (cases.partner_keys). Packages sealed before stay sealed to the key they were
    sealed to.
    """
    require(saved_by, Capability.APPROVE_SPENDING)
    vault.parse_partner_public_key(public_key)  # raises VaultError on a malformed key
    name, public_key = name.strip(), public_key.strip()
    namesakes = Partner.objects.filter(name__iexact=name)
    if partner is not None:
        namesakes = namesakes.exclude(pk=partner.pk)
    if namesakes.exists():
        raise PartnerNameTaken
    key_changed = partner is None or partner.public_key != public_key
    try:
        with transaction.atomic():  # two people adding one name at once: one is told
            partner = _write_partner(partner, name=name, is_active=is_active, version=version)
    except IntegrityError as error:
        raise PartnerNameTaken from error
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=saved_by,
        target=partner,
        details={"active": is_active, "key_requested": key_changed},
    )
    if key_changed:
        _ask_for_key(partner, public_key=public_key, reason=reason, asked_by=saved_by)
    return partner


def _ask_for_key(partner: Partner, *, public_key: str, reason: str, asked_by: Operator) -> None:
    pending = pending_request(CHANGE_PARTNER_KEY, partner)
    if pending is None:
        request_action(
            kind=CHANGE_PARTNER_KEY,
            target=partner,
            reason=reason,
            requested_by=asked_by,
            details={"public_key": public_key},
        )
    elif pending.details.get("public_key") != public_key:
        raise PartnerKeyChangePending


def _write_partner(
    partner: Partner | None, *, name: str, is_active: bool, version: int | None
) -> Partner:
    if partner is None:  # no key in force until a second person confirms one
        return Partner.objects.create(name=name, public_key="", is_active=is_active)
    partner.name, partner.is_active = name, is_active
    save_with_version(
        partner,
        ["name", "is_active"],
        expected_version=partner.version if version is None else version,
    )
    return partner
