from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import GlobalLock
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import keyring_for, log_in
from refuge.vault import api as vault

from .sessions import cookies_of, keyring_from_cookies

HOME = reverse("console:home")
LOCK = reverse("accounts:emergency_lock")


def test_emergency_lock_needs_confirmation(client: Client, coordinator) -> None:
    log_in(client, coordinator)

    response = client.post(LOCK, {})

    assert response.status_code == 200
    assert client.get(HOME).status_code == 200
    assert not AuditEvent.objects.filter(action=AuditAction.EMERGENCY_LOCK).exists()


def test_only_coordinators_may_lock(client: Client, hotline_operator) -> None:
    log_in(client, hotline_operator)

    assert client.post(LOCK, {"confirm": "on"}).status_code == 403
    assert client.get(HOME).status_code == 200


def test_emergency_lock_ends_every_session_and_no_key_opens_again(
    client: Client, coordinator, hotline_operator
) -> None:
    with vault.activated(keyring_for(hotline_operator)):
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[hotline_operator])
        ciphertext = vault.encrypt_bytes(envelope.pk, b"where they hide", label="t")
    other = Client()
    log_in(other, hotline_operator)
    stolen_cookies = cookies_of(other)
    with vault.activated(keyring_from_cookies(stolen_cookies)):
        assert vault.decrypt_bytes(envelope.pk, ciphertext, label="t") == b"where they hide"
    log_in(client, coordinator)

    response = client.post(LOCK, {"confirm": "on"})

    assert response.status_code == 200
    assert Session.objects.count() == 0
    assert GlobalLock.objects.get(pk=1).generation == 1
    assert other.get(HOME).status_code == 302
    assert client.get(HOME).status_code == 302
    replayed = keyring_from_cookies(stolen_cookies)  # the old cookie, sent again
    assert replayed.private_key is None
    with vault.activated(replayed), pytest.raises(vault.VaultError):
        vault.decrypt_bytes(envelope.pk, ciphertext, label="t")
    event = AuditEvent.objects.get(action=AuditAction.EMERGENCY_LOCK)
    assert event.actor_id == coordinator.pk
    assert event.details["sessions"] >= 2


def test_a_session_row_without_the_browser_cookie_opens_nothing(hotline_operator) -> None:
    client = Client()
    log_in(client, hotline_operator)
    cookies = cookies_of(client)

    with_cookie = keyring_from_cookies(cookies)
    cookies.pop("refuge_unlock")
    row_only = keyring_from_cookies(cookies)  # what a copy of the database and no browser gives

    assert with_cookie.private_key is not None
    assert row_only.operator_id == hotline_operator.pk
    assert row_only.private_key is None
