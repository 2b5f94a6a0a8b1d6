from __future__ import annotations

import json

from django.test import Client
from django.urls import reverse

from refuge.cases.models import CaseMember, ConsentKind, Partner, Referral, ReferralStatus
from refuge.cases.services.persons import record_consent
from refuge.cases.tests.conftest import acting_as
from refuge.cases.tests.partners import make_partner
from refuge.testing import log_in
from refuge.vault import api as vault


def _client(operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


def test_a_malformed_partner_key_is_a_form_error(worker) -> None:
    response = _client(worker).post(
        reverse("cases:partners"), {"name": "X", "public_key": "abc", "is_active": "on"}
    )
    assert response.status_code == 400
    assert "not an X25519 public key" in response.content.decode()
    assert not Partner.objects.exists()


def test_referral_through_the_pages_needs_a_second_person(case, worker, colleague, boss) -> None:
    private, public = vault.new_partner_keypair()
    partner = make_partner("Safe Passage", public_key=public, saved_by=boss, confirmed_by=colleague)
    person = case.persons.get()
    with acting_as(worker):
        record_consent(
            person=person,
            kind=ConsentKind.SHARE_PARTNERS,
            is_granted=True,
            partners=[partner],
            recorded_by=worker,
        )
    requester, approver = _client(worker), _client(colleague)

    requester.post(
        reverse("cases:request_referral", args=[case.pk, person.pk]), {"partner": partner.pk}
    )
    referral = Referral.objects.get()
    approve = reverse("cases:decide_referral", args=[case.pk, referral.pk, "approve"])
    requester.post(approve)
    assert Referral.objects.get().status == ReferralStatus.REQUESTED
    approver.post(approve)
    assert Referral.objects.get().status == ReferralStatus.SEALED
    detail = approver.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f"sealed to the key with fingerprint <code>{vault.partner_key_fingerprint(public)}" in (
        detail
    )

    download = approver.get(reverse("cases:download_package", args=[case.pk, referral.pk]))
    package = json.loads(vault.open_partner_package(private, download.content))
    assert package["person"] == {"pseudonym": "Swallow"}
    guide = approver.get(reverse("cases:referral_guide")).content.decode()
    assert "SealedBox" in guide
    assert "hashlib.sha256(bytes(k.public_key)).hexdigest().upper()[:32]" in guide


def test_sharing_through_the_page_makes_the_case_appear(case, worker, outsider) -> None:
    outsider_client = _client(outsider)
    assert outsider_client.get(reverse("cases:detail", args=[case.pk])).status_code == 404

    _client(worker).post(reverse("cases:share", args=[case.pk]), {"operator": outsider.pk})

    assert CaseMember.objects.filter(case=case, operator=outsider).exists()
    page = outsider_client.get(reverse("cases:list")).content.decode()
    assert case.reference in page
    assert (
        "Swallow" in outsider_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )
