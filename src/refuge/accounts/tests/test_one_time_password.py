"""A password a coordinator issues must be changed at first login; every password change
goes through Django's password validators."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from refuge.accounts import duress, services, totp
from refuge.accounts.errors import PasswordRejected
from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import TEST_PASSWORD, enrolment_secret, log_in

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:code")
HOME = reverse("console:home")
CHANGE = reverse("accounts:password_change")
OWN_PASSWORD = "lantern orchard velvet pebble"


def _issued_account(client: Client, coordinator: Operator) -> tuple[Operator, str]:
    log_in(client, coordinator)
    page = client.post(
        reverse("accounts:operator_create"), {"username": "night_shift", "role": Role.OPERATOR}
    )
    client.post(reverse("accounts:logout"))
    return Operator.objects.get(username="night_shift"), page.context["password"]


def _first_login(client: Client, operator: Operator, password: str) -> object:
    client.post(LOGIN, {"username": operator.username, "password": password})
    secret = enrolment_secret(client.get(CODE).content.decode())  # enrolled at first login
    return client.post(CODE, {"code": totp.current_code(secret)})


def test_an_issued_password_opens_nothing_but_the_password_change(
    client: Client, coordinator
) -> None:
    operator, issued = _issued_account(client, coordinator)
    assert operator.must_change_password

    after_code = _first_login(client, operator, issued)

    assert after_code["Location"] == CHANGE  # type: ignore[index]
    for url in (HOME, reverse("hotline:queue"), reverse("accounts:duress_password")):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, CHANGE), url
    page = client.get(CHANGE).content.decode()
    assert "Пароль выдан координатором" in page

    refused = client.post(CHANGE, {"old_password": issued, "new_password": issued})
    assert "должен отличаться" in refused.content.decode()
    changed = client.post(CHANGE, {"old_password": issued, "new_password": OWN_PASSWORD})

    assert changed["Location"] == HOME
    operator.refresh_from_db()
    assert not operator.must_change_password
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.PASSWORD_CHANGED, actor_id=operator.pk
    ).exists()


@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("2718281828459045", "состоит только из цифр"),
        ("password1234", "слишком широко распространён"),
        ("night_shift_2026", "похож на"),
        ("short", "не менее 12"),
    ],
)
def test_a_new_password_passes_djangos_validators(
    client: Client, operator_factory, weak: str, reason: str
) -> None:
    operator = operator_factory("night_shift", Role.OPERATOR)
    log_in(client, operator)

    response = client.post(CHANGE, {"old_password": TEST_PASSWORD, "new_password": weak})

    assert response.status_code == 200
    assert reason in response.content.decode()
    operator.refresh_from_db()
    assert operator.check_password(TEST_PASSWORD)


def test_the_service_refuses_a_weak_password_whatever_the_form_says(operator_factory) -> None:
    operator = operator_factory("night_shift", Role.OPERATOR)

    with pytest.raises(PasswordRejected):
        services.change_own_password(
            operator=operator, old_password=TEST_PASSWORD, new_password="123456789012345"
        )
    with pytest.raises(PasswordRejected):
        duress.set_duress_password(
            operator=operator, current_password=TEST_PASSWORD, duress_password="qwertyuiop123"
        )


def test_a_reset_password_must_be_changed_too(coordinator, operator_factory) -> None:
    operator = operator_factory("forgetful", Role.OPERATOR)
    assert not operator.must_change_password

    services.reset_password(
        operator=operator, reset_by=coordinator, new_password=services.generate_initial_password()
    )

    operator.refresh_from_db()
    assert operator.must_change_password


def test_createoperator_issues_a_one_time_password_or_checks_a_typed_one(db, monkeypatch) -> None:
    out = io.StringIO()
    call_command("createoperator", "relay", "--role", "operator", stdout=out)
    assert "changed at first login" in out.getvalue()
    assert Operator.objects.get(username="relay").must_change_password

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "1234567890123")
    with pytest.raises(Exception, match="Password refused"):
        call_command("createoperator", "typed", "--role", "operator", "--ask-password")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": OWN_PASSWORD)
    call_command(
        "createoperator", "typed", "--role", "operator", "--ask-password", stdout=io.StringIO()
    )
    assert not Operator.objects.get(username="typed").must_change_password
