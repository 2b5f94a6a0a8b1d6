"""Editing a partner organisation: name, public key, active; the key is checked like at
creation, names stay unique, a stale form does not overwrite, and a new key is in force only
once a second person read its fingerprint back."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from refuge.accounts.roles import Role
from refuge.approvals.errors import ReadBackMismatch, SecondPersonRequired
from refuge.approvals.models import ActionStatus, PendingAction
from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.errors import PartnerKeyMissing, PartnerNameTaken
from refuge.cases.models import ConsentKind, Partner
from refuge.cases.partner_keys import key_fingerprint
from refuge.cases.services.persons import record_consent
from refuge.cases.services.referral import decide_referral, request_referral, save_partner
from refuge.cases.tests.conftest import acting_as
from refuge.cases.tests.partners import KEY_REASON, confirm_key, make_partner
from refuge.core.concurrency import StaleRecord
from refuge.testing import log_in, make_operator
from refuge.vault import api as vault


@pytest.fixture
def partner(boss, colleague):
    return make_partner("Safe Passage", saved_by=boss, confirmed_by=colleague)


def _client(operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


def _url(partner) -> str:
    return reverse("cases:edit_partner", args=[partner.pk])


def test_a_partner_is_edited_through_its_page_and_a_new_key_waits(partner, worker, boss) -> None:
    client = _client(worker)
    assert _url(partner) in client.get(reverse("cases:partners")).content.decode()
    page = client.get(_url(partner)).content.decode()
    assert 'value="Safe Passage"' in page
    old_key, new_key = partner.public_key, vault.new_partner_keypair()[1]
    edit = {"name": "Safe Passage Berlin", "public_key": new_key, "version": partner.version}

    no_reason = client.post(_url(partner), edit)
    response = client.post(_url(partner), {**edit, "reason": KEY_REASON})

    assert no_reason.status_code == 400
    assert "in a sentence" in no_reason.content.decode()
    assert response.status_code == 302
    stored = Partner.objects.get(pk=partner.pk)
    assert (stored.name, stored.public_key, stored.is_active) == (
        "Safe Passage Berlin",
        old_key,
        False,
    )  # the name at once, the key not yet
    assert stored.version == partner.version + 1
    event = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGED, actor_id=worker.pk).get()
    assert event.details == {"active": False, "key_requested": True}

    with pytest.raises(ReadBackMismatch):
        confirm_key(stored, by=boss, read_back=key_fingerprint(old_key))
    with pytest.raises(SecondPersonRequired):
        confirm_key(stored, by=worker)
    assert Partner.objects.get(pk=partner.pk).public_key == old_key
    confirm_key(stored, by=boss)
    assert Partner.objects.get(pk=partner.pk).public_key == new_key


def test_the_read_back_goes_through_the_request_page(partner, worker, boss) -> None:
    new_key = vault.new_partner_keypair()[1]
    save_partner(
        partner=partner,
        name=partner.name,
        public_key=new_key,
        is_active=True,
        saved_by=worker,
        reason=KEY_REASON,
    )
    action = PendingAction.objects.get(status=ActionStatus.PENDING)
    client = _client(boss)
    page = client.get(reverse("approvals:detail", args=[action.pk])).content.decode()
    url = reverse("approvals:confirm", args=[action.pk])

    wrong = client.post(url, {"confirm": "on", "read_back": "0000 0000"}, follow=True)
    assert Partner.objects.get(pk=partner.pk).public_key != new_key
    spoken = key_fingerprint(new_key).lower().replace(" ", "-")  # as someone types it
    client.post(url, {"confirm": "on", "read_back": spoken})

    assert 'name="read_back"' in page
    assert key_fingerprint(new_key) not in page  # the confirmer hears it, is not shown it
    assert "does not match the new key" in wrong.content.decode()
    assert Partner.objects.get(pk=partner.pk).public_key == new_key


def test_a_new_partner_has_no_key_until_it_is_confirmed(worker, colleague, case) -> None:
    new = save_partner(
        partner=None,
        name="Rainbow Railroad",
        is_active=True,
        saved_by=worker,
        public_key=vault.new_partner_keypair()[1],
        reason=KEY_REASON,
    )

    assert new.public_key == ""
    page = _client(worker).get(reverse("cases:partners")).content.decode()
    assert "no key in force" in page
    assert "a new key waits for a second person" in page
    person = case.persons.get()
    with acting_as(worker):
        record_consent(
            person=person,
            kind=ConsentKind.SHARE_PARTNERS,
            is_granted=True,
            partners=[new],
            recorded_by=worker,
        )
        referral = request_referral(person=person, partner=new, requested_by=worker)
    with acting_as(colleague), pytest.raises(PartnerKeyMissing):
        decide_referral(referral=referral, approve=True, decided_by=colleague)


def test_a_malformed_key_is_refused_on_edit_as_on_creation(partner, worker) -> None:
    response = _client(worker).post(
        _url(partner),
        {"name": "Safe Passage", "is_active": "on", "public_key": "abc", "version": 0},
    )

    assert response.status_code == 400
    assert "not an X25519 public key" in response.content.decode()
    assert Partner.objects.get(pk=partner.pk).public_key == partner.public_key
    assert not PendingAction.objects.filter(status=ActionStatus.PENDING).exists()
    with pytest.raises(vault.VaultError):
        save_partner(
            partner=partner,
            name="Safe Passage",
            public_key="abc",
            is_active=True,
            saved_by=worker,
            version=0,
        )


def test_partner_names_stay_unique(partner, worker, boss) -> None:
    other = make_partner("Rainbow Railroad", saved_by=worker, confirmed_by=boss)

    with pytest.raises(PartnerNameTaken):
        save_partner(
            partner=other,
            name="safe passage",
            public_key=other.public_key,
            is_active=True,
            saved_by=worker,
            version=0,
        )
    response = _client(worker).post(
        reverse("cases:partners"),
        {"name": "Safe Passage", "public_key": other.public_key, "is_active": "on"},
    )
    assert response.status_code == 400
    assert "exists already" in response.content.decode()
    assert Partner.objects.count() == 2


def test_a_stale_partner_edit_is_refused(partner, worker, boss) -> None:
    key, read_at = partner.public_key, partner.version
    save_partner(
        partner=Partner.objects.get(pk=partner.pk),
        name="First",
        public_key=key,
        is_active=True,
        saved_by=boss,
        version=read_at,
    )

    with pytest.raises(StaleRecord):
        save_partner(
            partner=Partner.objects.get(pk=partner.pk),
            name="Second",
            public_key=key,
            is_active=True,
            saved_by=worker,
            version=read_at,
        )
    response = _client(worker).post(
        _url(partner), {"name": "Second", "public_key": key, "is_active": "on", "version": read_at}
    )
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert Partner.objects.get(pk=partner.pk).name == "First"


def test_only_holders_of_spending_approval_edit_partners(partner, db) -> None:
    lawyer = make_operator("lawyer", Role.LAWYER)

    with pytest.raises(PermissionDenied):
        save_partner(
            partner=partner,
            name="Hijacked",
            public_key=partner.public_key,
            is_active=True,
            saved_by=lawyer,
            version=0,
        )
    assert _client(lawyer).get(_url(partner)).status_code == 403
    assert Partner.objects.get(pk=partner.pk).name == "Safe Passage"


def test_an_unknown_partner_is_404(worker) -> None:
    assert _client(worker).get(reverse("cases:edit_partner", args=[4242])).status_code == 404
