from __future__ import annotations

import time_machine
from django.test import Client
from django.urls import reverse

from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import TEST_PASSWORD, current_code, log_in

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:code")
HOME = reverse("console:home")


def test_password_alone_does_not_open_the_console(client: Client, hotline_operator) -> None:
    response = client.post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == CODE
    assert client.get(HOME).status_code == 302  # still redirected to login


def test_password_and_valid_code_log_in(client: Client, hotline_operator) -> None:
    response = log_in(client, hotline_operator)

    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor_id=hotline_operator.pk)


def test_wrong_code_is_refused_with_the_generic_message(client: Client, hotline_operator) -> None:
    client.post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})
    wrong = "000000" if current_code(hotline_operator) != "000000" else "111111"

    response = client.post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert "Неверное имя, пароль или код" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(
    client: Client, hotline_operator
) -> None:
    wrong_password = client.post(LOGIN, {"username": "hotline1", "password": "nope"})
    unknown_user = client.post(LOGIN, {"username": "nobody", "password": "nope"})

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert "Неверное имя, пароль или код" in wrong_password.content.decode()
    assert "Неверное имя, пароль или код" in unknown_user.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 2


def test_account_locks_after_repeated_failures_even_with_the_right_password(
    client: Client, hotline_operator, settings
) -> None:
    for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
        client.post(LOGIN, {"username": "hotline1", "password": "wrong"})

    response = client.post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})

    assert "Слишком много неудачных попыток" in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_lockout_ends_after_its_delay(client: Client, hotline_operator, settings) -> None:
    with time_machine.travel("2026-01-01 10:00Z", tick=False):
        for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
            client.post(LOGIN, {"username": "hotline1", "password": "wrong"})
    with time_machine.travel("2026-01-01 10:01Z", tick=False):
        response = client.post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_login_gives_a_new_session_key(client: Client, hotline_operator) -> None:
    client.get(LOGIN)
    client.post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})
    before = client.session.session_key
    client.post(CODE, {"code": current_code(hotline_operator)})
    assert client.session.session_key != before


def test_session_ends_after_idle_time(client: Client, hotline_operator, settings) -> None:
    with time_machine.travel("2026-01-01 10:00Z", tick=False):
        log_in(client, hotline_operator)
        assert client.get(HOME).status_code == 200
    with time_machine.travel("2026-01-01 10:20Z", tick=False):
        assert client.get(HOME).status_code == 200  # activity pushes the deadline
    with time_machine.travel("2026-01-01 10:51Z", tick=False):
        assert client.get(HOME).status_code == 302


def test_no_cookie_outlives_the_browser(client: Client, hotline_operator) -> None:
    client.get(LOGIN)
    client.post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})
    response = client.post(CODE, {"code": current_code(hotline_operator)})
    for morsel in (*client.cookies.values(), *response.cookies.values()):
        assert not morsel["expires"], morsel.key
        assert not morsel["max-age"], morsel.key


def test_log_out_everywhere_ends_other_sessions(hotline_operator) -> None:
    laptop, phone = Client(), Client()
    log_in(laptop, hotline_operator)
    log_in(phone, hotline_operator)

    laptop.post(reverse("accounts:logout_everywhere"))

    assert phone.get(HOME).status_code == 302
    assert laptop.get(HOME).status_code == 302


def test_first_login_enrols_totp_with_a_server_rendered_qr_code(
    client: Client, coordinator
) -> None:
    from refuge.accounts import totp
    from refuge.accounts.models import SealedTOTPDevice
    from refuge.accounts.services import create_operator
    from refuge.testing import enrolment_secret

    create_operator(
        created_by=coordinator, username="newbie", role=Role.LAWYER, password=TEST_PASSWORD
    )
    client.post(LOGIN, {"username": "newbie", "password": TEST_PASSWORD})
    page = client.get(CODE).content.decode()
    assert "<svg" in page
    assert "<script" not in page

    # The person types the secret shown on the page into their app, which shows a code.
    secret = enrolment_secret(page)
    client.post(CODE, {"code": totp.current_code(secret)})

    device = SealedTOTPDevice.objects.get(user__username="newbie")
    assert device.confirmed
    assert secret not in bytes(device.sealed_seed)
    assert client.get(HOME).status_code == 200
