"""Editing a partner organisation: name, public key, active; the key is checked like at
creation, names stay unique, and a stale form does not overwrite."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.cases.errors import PartnerNameTaken
from refuge.cases.models import Partner
from refuge.cases.services.referral import save_partner
from refuge.core.concurrency import StaleRecord
from refuge.core.testing import log_in, make_operator
from refuge.vault import api as vault


@pytest.fixture
def partner(boss):
    return save_partner(partner=None, name="Safe Passage", is_active=True,
                        public_key=vault.new_partner_keypair()[1], saved_by=boss)


def _client(operator) -> Client:
    client = Client()
    log_in(client, operator)
    return client


def _url(partner) -> str:
    return reverse("cases:edit_partner", args=[partner.pk])


def test_a_partner_is_edited_through_its_page(partner, worker) -> None:
    client = _client(worker)
    assert _url(partner) in client.get(reverse("cases:partners")).content.decode()
    page = client.get(_url(partner)).content.decode()
    assert 'value="Safe Passage"' in page
    new_key = vault.new_partner_keypair()[1]

    response = client.post(_url(partner), {"name": "Safe Passage Berlin", "public_key": new_key,
                                           "version": partner.version})

    assert response.status_code == 302
    stored = Partner.objects.get(pk=partner.pk)
    assert (stored.name, stored.public_key, stored.is_active) == (
        "Safe Passage Berlin", new_key, False)
    assert stored.version == partner.version + 1
    event = AuditEvent.objects.filter(action=AuditAction.SETTINGS_CHANGED,
                                      actor_id=worker.pk).get()
    assert event.details == {"active": False, "key_changed": True}


def test_a_malformed_key_is_refused_on_edit_as_on_creation(partner, worker) -> None:
    response = _client(worker).post(_url(partner), {"name": "Safe Passage", "is_active": "on",
                                                    "public_key": "abc", "version": 0})

    assert response.status_code == 400
    assert "not an X25519 public key" in response.content.decode()
    assert Partner.objects.get(pk=partner.pk).public_key == partner.public_key
    with pytest.raises(vault.VaultError):
        save_partner(partner=partner, name="Safe Passage", public_key="abc", is_active=True,
                     saved_by=worker, version=0)


def test_partner_names_stay_unique(partner, worker) -> None:
    other = save_partner(partner=None, name="Rainbow Railroad", is_active=True,
                         public_key=vault.new_partner_keypair()[1], saved_by=worker)

    with pytest.raises(PartnerNameTaken):
        save_partner(partner=other, name="safe passage", public_key=other.public_key,
                     is_active=True, saved_by=worker, version=0)
    response = _client(worker).post(reverse("cases:partners"), {
        "name": "Safe Passage", "public_key": other.public_key, "is_active": "on"})
    assert response.status_code == 400
    assert "exists already" in response.content.decode()
    assert Partner.objects.count() == 2


def test_a_stale_partner_edit_is_refused(partner, worker, boss) -> None:
    key = partner.public_key
    save_partner(partner=Partner.objects.get(pk=partner.pk), name="First", public_key=key,
                 is_active=True, saved_by=boss, version=0)

    with pytest.raises(StaleRecord):
        save_partner(partner=Partner.objects.get(pk=partner.pk), name="Second",
                     public_key=key, is_active=True, saved_by=worker, version=0)
    response = _client(worker).post(_url(partner), {"name": "Second", "public_key": key,
                                                    "is_active": "on", "version": 0})
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert Partner.objects.get(pk=partner.pk).name == "First"


def test_only_holders_of_spending_approval_edit_partners(partner, db) -> None:
    lawyer = make_operator("lawyer", Role.LAWYER)

    with pytest.raises(PermissionDenied):
        save_partner(partner=partner, name="Hijacked", public_key=partner.public_key,
                     is_active=True, saved_by=lawyer, version=0)
    assert _client(lawyer).get(_url(partner)).status_code == 403
    assert Partner.objects.get(pk=partner.pk).name == "Safe Passage"


def test_an_unknown_partner_is_404(worker) -> None:
    assert _client(worker).get(reverse("cases:edit_partner", args=[4242])).status_code == 404
