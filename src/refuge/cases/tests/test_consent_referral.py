from __future__ import annotations

import json

import pytest

from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.errors import ConsentMissing, SecondPersonRequired
from refuge.cases.models import ConsentKind, Partner, ReferralStatus
from refuge.cases.services.persons import record_consent, save_person
from refuge.cases.services.referral import decide_referral, request_referral, save_partner
from refuge.cases.tests.conftest import acting_as
from refuge.cases.tests.partners import make_partner
from refuge.vault import api as vault


@pytest.fixture
def partner_keys() -> tuple[str, str]:
    return vault.new_partner_keypair()


@pytest.fixture
def partner(boss, worker, partner_keys) -> Partner:
    return make_partner(
        "Rainbow Railroad", public_key=partner_keys[1], saved_by=boss, confirmed_by=worker
    )


@pytest.fixture
def person(case, worker):
    with acting_as(worker):
        return save_person(
            case=case,
            person=case.persons.get(),
            pseudonym="Swallow",
            legal_name="Islam Dudaev",
            phone="+7 999 123-45-67",
            contact_details="Signal only",
            saved_by=worker,
        )


def _open(package: bytes, private_key: str) -> dict:
    return json.loads(vault.open_partner_package(private_key, package))


def test_no_referral_without_consent_to_share_with_that_partner(person, partner, worker) -> None:
    with acting_as(worker):
        with pytest.raises(ConsentMissing):
            request_referral(person=person, partner=partner, requested_by=worker)
        record_consent(
            person=person,
            kind=ConsentKind.SHARE_PARTNERS,
            is_granted=True,
            partners=[],
            recorded_by=worker,
        )
        with pytest.raises(ConsentMissing):  # consent names other partners, not this one
            request_referral(person=person, partner=partner, requested_by=worker)


def test_a_referral_holds_only_consented_fields_and_needs_a_second_person(
    person, partner, partner_keys, worker, colleague
) -> None:
    with acting_as(worker):
        record_consent(
            person=person,
            kind=ConsentKind.SHARE_PARTNERS,
            is_granted=True,
            partners=[partner],
            recorded_by=worker,
        )
        record_consent(
            person=person,
            kind=ConsentKind.PHONE_CONTACT,
            is_granted=False,
            partners=[],
            recorded_by=worker,
        )
        referral = request_referral(person=person, partner=partner, requested_by=worker)
        with pytest.raises(SecondPersonRequired):
            decide_referral(referral=referral, approve=True, decided_by=worker)
    with acting_as(colleague):
        decide_referral(referral=referral, approve=True, decided_by=colleague)

    assert referral.status == ReferralStatus.SEALED
    assert referral.package is not None
    package = _open(bytes(referral.package), partner_keys[0])
    assert package["person"]["legal_name"] == "Islam Dudaev"
    assert "phone" not in package["person"]
    assert "contact_details" not in package["person"]
    assert "testimony" not in package["person"]  # never asked about keeping the testimony
    assert b"Islam" not in bytes(referral.package)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, target_id=str(referral.pk))


def test_the_latest_consent_counts(person, partner, partner_keys, worker, colleague) -> None:
    with acting_as(worker):
        record_consent(
            person=person,
            kind=ConsentKind.SHARE_PARTNERS,
            is_granted=True,
            partners=[partner],
            recorded_by=worker,
        )
        record_consent(
            person=person,
            kind=ConsentKind.PHONE_CONTACT,
            is_granted=True,
            partners=[],
            recorded_by=worker,
        )
        record_consent(
            person=person,
            kind=ConsentKind.KEEP_TESTIMONY,
            is_granted=True,
            partners=[],
            recorded_by=worker,
        )
        referral = request_referral(person=person, partner=partner, requested_by=worker)
        record_consent(
            person=person,
            kind=ConsentKind.KEEP_TESTIMONY,
            is_granted=False,
            partners=[],
            recorded_by=worker,
        )
    with acting_as(colleague):
        decide_referral(referral=referral, approve=True, decided_by=colleague)

    assert referral.sealed_to_fingerprint == vault.partner_key_fingerprint(partner_keys[1])
    assert referral.package is not None
    fields = _open(bytes(referral.package), partner_keys[0])["person"]
    assert fields["phone"] == "+7 999 123-45-67"
    assert fields["contact_details"] == "Signal only"
    assert "testimony" not in fields
    assert referral.included_fields == ["contact_details", "legal_name", "phone", "pseudonym"]


def test_a_malformed_partner_key_is_refused(boss) -> None:
    with pytest.raises(vault.VaultError):
        save_partner(partner=None, name="X", public_key="not-a-key", is_active=True, saved_by=boss)
