from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from refuge.accounts import duress, totp
from refuge.accounts.models import CoordinatorAlert, Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import TEST_PASSWORD, keyring_for, log_in, make_operator
from refuge.vault import api as vault

from .sessions import cookies_of, keyring_from_cookies

DURESS_PASSWORD = "blue bicycle under the bridge"
HOME = reverse("console:home")
LOGIN = reverse("accounts:login")


def _with_duress_password(operator: Operator) -> Operator:
    with vault.activated(keyring_for(operator)):  # as the logged-in operator's request
        duress.set_duress_password(
            operator=operator, current_password=TEST_PASSWORD, duress_password=DURESS_PASSWORD
        )
    operator.refresh_from_db()
    return operator


def _next_code_window(operator: Operator) -> None:
    # A TOTP code is accepted once; a second login in the same 30 s needs a fresh window.
    totp.restart_window(operator)


def _secret_for(operator: Operator) -> tuple[vault.Envelope, bytes]:
    with vault.activated(keyring_for(operator)):
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[operator])
        return envelope, vault.encrypt_bytes(envelope.pk, b"safe house address", label="t")


def test_setting_a_duress_password_through_the_page(client: Client, hotline_operator) -> None:
    log_in(client, hotline_operator)

    response = client.post(
        reverse("accounts:duress_password"),
        {
            "current_password": TEST_PASSWORD,
            "duress_password": DURESS_PASSWORD,
            "duress_password_again": DURESS_PASSWORD,
        },
    )

    assert response.status_code == 302
    hotline_operator.refresh_from_db()
    assert hotline_operator.duress_password.startswith("argon2")
    assert DURESS_PASSWORD not in hotline_operator.duress_password


def test_duress_password_equal_to_the_real_one_is_refused(client: Client, hotline_operator) -> None:
    log_in(client, hotline_operator)

    response = client.post(
        reverse("accounts:duress_password"),
        {
            "current_password": TEST_PASSWORD,
            "duress_password": TEST_PASSWORD,
            "duress_password_again": TEST_PASSWORD,
        },
    )

    assert response.status_code == 200
    hotline_operator.refresh_from_db()
    assert hotline_operator.duress_password == ""


def test_duress_login_opens_an_empty_console_that_reads_nothing(
    client: Client, hotline_operator
) -> None:
    operator = _with_duress_password(hotline_operator)
    envelope, ciphertext = _secret_for(operator)

    log_in(client, operator, password=DURESS_PASSWORD)
    home = client.get(HOME)

    assert home.status_code == 200
    assert operator.username in home.content.decode()
    # The role's menu, no 403 (tests/test_access_matrix.py tries every page of every role).
    assert reverse("hotline:queue") in home.content.decode()
    assert client.get(reverse("hotline:queue")).status_code == 200
    keyring = keyring_from_cookies(cookies_of(client))
    assert keyring.private_key is None
    with vault.activated(keyring), pytest.raises(vault.VaultError):
        vault.decrypt_bytes(envelope.pk, ciphertext, label="t")


def test_duress_login_locks_the_account_and_alerts_coordinators(
    client: Client, coordinator, hotline_operator
) -> None:
    operator = _with_duress_password(hotline_operator)

    log_in(client, operator, password=DURESS_PASSWORD)

    operator.refresh_from_db()
    assert operator.locked_reason == "duress"
    assert operator.is_active
    assert CoordinatorAlert.objects.filter(operator=operator, resolved_at=None).count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.DURESS_LOGIN, target_id=str(operator.pk)
    ).exists()
    coordinator_client = Client()
    log_in(coordinator_client, coordinator)
    page = coordinator_client.get(HOME).content.decode()
    assert reverse("accounts:operator_unlock", args=[operator.pk]) in page


def test_real_password_is_refused_after_duress_until_a_coordinator_unlocks(
    client: Client, coordinator, hotline_operator
) -> None:
    second_coordinator = make_operator("coord2", Role.COORDINATOR)
    operator = _with_duress_password(hotline_operator)
    log_in(Client(), operator, password=DURESS_PASSWORD)

    refused = client.post(LOGIN, {"username": operator.username, "password": TEST_PASSWORD})
    assert refused.status_code == 200  # the generic message: the lock is not revealed
    assert client.get(HOME).status_code == 302

    for unlocking_coordinator in (coordinator, second_coordinator):
        coordinator_client = Client()
        log_in(coordinator_client, unlocking_coordinator)
        coordinator_client.post(reverse("accounts:operator_unlock", args=[operator.pk]))

    operator.refresh_from_db()
    assert operator.locked_reason == ""
    assert not CoordinatorAlert.objects.filter(resolved_at=None).exists()
    _next_code_window(operator)
    log_in(client, operator)
    assert client.get(HOME).status_code == 200


def test_duress_login_ends_the_other_sessions(hotline_operator) -> None:
    operator = _with_duress_password(hotline_operator)
    real_session = Client()
    log_in(real_session, operator)
    assert real_session.get(HOME).status_code == 200

    coerced = Client()
    _next_code_window(operator)
    log_in(coerced, operator, password=DURESS_PASSWORD)

    assert real_session.get(HOME).status_code == 302
    assert coerced.get(HOME).status_code == 200


def test_duress_stand_in_is_never_saved(hotline_operator) -> None:
    decoy = duress.stand_in(hotline_operator)

    with pytest.raises(RuntimeError):
        decoy.save()
    assert Operator.objects.count() == 1
    assert Session.objects.count() == 0


def test_wrong_password_with_a_duress_password_set_is_an_ordinary_failure(
    client: Client, hotline_operator
) -> None:
    operator = _with_duress_password(hotline_operator)

    client.post(LOGIN, {"username": operator.username, "password": "not the one"})

    operator.refresh_from_db()
    assert operator.locked_reason == ""
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 1


@pytest.mark.django_db
def test_the_empty_view_fails_closed_on_every_kind_of_statement() -> None:
    from django.db import connection

    from refuge.accounts.duress_console import DuressWrite, empty_database_view

    make_operator("hotline1", Role.OPERATOR)
    with empty_database_view(), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_operator")
        assert cursor.fetchall() == []
        cursor.execute("WITH o AS (SELECT id FROM accounts_operator) SELECT id FROM o")
        assert cursor.fetchall() == []
        with pytest.raises(DuressWrite):
            cursor.execute("UPDATE accounts_operator SET is_active = FALSE")
        with pytest.raises(DuressWrite):
            cursor.execute("DROP TABLE accounts_operator")
    assert Operator.objects.filter(is_active=True).count() == 1
