"""Login lockout: per account with growing delays, never a lock of everyone behind one address."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import LoginFailure
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import TEST_PASSWORD, current_code, log_in

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:code")
HOME = reverse("console:home")
LOCKED = "Слишком много неудачных попыток"
STRANGER = "198.51.100.9"
OFFICE = "203.0.113.5"

pytestmark = pytest.mark.django_db


def _try(address: str, username: str, password: str = "wrong", **headers: Any) -> str:
    client = Client(REMOTE_ADDR=address, **headers)
    return client.post(LOGIN, {"username": username, "password": password}).content.decode()


def _fail(times: int, address: str, username: str) -> None:
    for _ in range(times):
        _try(address, username)


def _logs_in(address: str, operator) -> bool:
    client = Client(REMOTE_ADDR=address)
    log_in(client, operator)
    return client.get(HOME).status_code == 200


def test_a_flood_of_random_usernames_from_one_address_does_not_keep_a_coordinator_out(
    coordinator, settings
) -> None:
    flooder = Client(REMOTE_ADDR=OFFICE)
    for _ in range(120):
        flooder.post(LOGIN, {"username": secrets.token_hex(6), "password": "guess"})

    client = Client(REMOTE_ADDR=OFFICE)  # the same address: a shared office or Tor exit
    log_in(client, coordinator)

    assert client.get(HOME).status_code == 200
    # ... and the emergency lock is within reach.
    locked = client.post(reverse("accounts:emergency_lock"), {"confirm": "on"})
    assert locked.status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.EMERGENCY_LOCK, actor_id=coordinator.pk
    ).exists()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == 120


def test_the_delay_grows_with_each_failure(hotline_operator, settings) -> None:
    settings.LOGIN_DELAY_BASE_SECONDS = 30
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False):
        _fail(settings.LOGIN_LOCKOUT_FAILURES, STRANGER, "hotline1")
        assert LOCKED in _try(STRANGER, "hotline1", TEST_PASSWORD)
    with time_machine.travel("2026-03-01 10:00:31Z", tick=False):
        assert LOCKED not in _try(STRANGER, "hotline1")  # the sixth failure: 60 s now
    with time_machine.travel("2026-03-01 10:01:00Z", tick=False):
        assert LOCKED in _try(STRANGER, "hotline1", TEST_PASSWORD)
    with time_machine.travel("2026-03-01 10:01:32Z", tick=False):
        assert LOCKED not in _try(STRANGER, "hotline1", TEST_PASSWORD)


def test_a_try_during_a_delay_is_refused_before_any_check_and_not_counted(
    hotline_operator, settings
) -> None:
    _fail(settings.LOGIN_LOCKOUT_FAILURES, STRANGER, "hotline1")
    failures = LoginFailure.objects.count()
    failed_events = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count()

    for _ in range(10):
        assert LOCKED in _try(STRANGER, "hotline1", TEST_PASSWORD)

    assert LoginFailure.objects.count() == failures
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count() == failed_events


def test_a_stranger_hammering_a_known_username_delays_only_their_own_address(
    hotline_operator, settings
) -> None:
    _fail(settings.LOGIN_LOCKOUT_FAILURES + 3, STRANGER, "hotline1")

    assert LOCKED in _try(STRANGER, "hotline1", TEST_PASSWORD)
    assert _logs_in(OFFICE, hotline_operator)


def test_failures_spread_over_many_addresses_delay_the_account_everywhere(
    hotline_operator, settings
) -> None:
    settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES = 8
    for number in range(8):
        _try(f"198.51.100.{number + 20}", "hotline1")

    assert LOCKED in _try(OFFICE, "hotline1", TEST_PASSWORD)
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN_DELAYED).latest("sequence")
    assert event.target_id == str(hotline_operator.pk)
    assert event.details["scope"] == "account"


def test_an_unknown_username_is_delayed_like_a_real_one(hotline_operator, settings) -> None:
    _fail(settings.LOGIN_LOCKOUT_FAILURES, STRANGER, "nobody-here")
    _fail(settings.LOGIN_LOCKOUT_FAILURES, STRANGER, "hotline1")

    assert LOCKED in _try(STRANGER, "nobody-here")
    assert LOCKED in _try(STRANGER, "hotline1")


def test_wrong_codes_count_toward_the_same_delay(hotline_operator, settings) -> None:
    client = Client(REMOTE_ADDR=STRANGER)
    client.post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})
    wrong = "000000" if current_code(hotline_operator) != "000000" else "111111"
    for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
        client.post(CODE, {"code": wrong})

    assert LOCKED in client.post(CODE, {"code": current_code(hotline_operator)}).content.decode()
    assert client.get(HOME).status_code == 302


def test_the_moment_a_delay_begins_is_audited_without_the_address(
    hotline_operator, settings
) -> None:
    _fail(settings.LOGIN_LOCKOUT_FAILURES, STRANGER, "hotline1")

    event = AuditEvent.objects.get(action=AuditAction.LOGIN_DELAYED)
    assert event.target_id == str(hotline_operator.pk)
    assert event.details == {
        "scope": "address",
        "failures": settings.LOGIN_LOCKOUT_FAILURES,
        "seconds": settings.LOGIN_DELAY_BASE_SECONDS,
        "shared_address": False,
    }
    assert STRANGER not in str(event.details)
    assert not LoginFailure.objects.filter(address_key__contains="198.51").exists()


def test_failures_are_forgotten_after_a_day(hotline_operator, settings) -> None:
    with time_machine.travel("2026-03-01 10:00Z", tick=False):
        _fail(settings.LOGIN_LOCKOUT_FAILURES + 6, STRANGER, "hotline1")
    with time_machine.travel("2026-03-02 10:01Z", tick=False):
        assert LOCKED not in _try(STRANGER, "hotline1", TEST_PASSWORD)
        assert not LoginFailure.objects.exists()


def test_a_forged_forwarded_for_does_not_escape_the_delay(hotline_operator, settings) -> None:
    for number in range(settings.LOGIN_LOCKOUT_FAILURES):
        _try(STRANGER, "hotline1", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")

    page = _try(STRANGER, "hotline1", TEST_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert LOCKED in page


def test_behind_a_trusted_proxy_each_client_has_its_own_delay(hotline_operator, settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(settings.LOGIN_LOCKOUT_FAILURES):
        _try("10.0.0.2", "hotline1", HTTP_X_FORWARDED_FOR=STRANGER)

    assert LOCKED in _try("10.0.0.2", "hotline1", TEST_PASSWORD, HTTP_X_FORWARDED_FOR=STRANGER)
    assert LOCKED not in _try("10.0.0.2", "hotline1", TEST_PASSWORD, HTTP_X_FORWARDED_FOR=OFFICE)


def test_a_coordinator_sees_a_delayed_account_and_lets_it_log_in(
    coordinator, hotline_operator, settings
) -> None:
    _fail(settings.LOGIN_LOCKOUT_FAILURES, STRANGER, "hotline1")
    client = Client()
    log_in(client, coordinator)
    lift = reverse("accounts:operator_lift_delay", args=[hotline_operator.pk])

    operators_page = client.get(reverse("accounts:operators")).content.decode()
    home_page = client.get(HOME).content.decode()
    assert "Вход заблокирован до" in operators_page
    assert "5 неудачных попыток входа за последние сутки" in operators_page
    assert lift in operators_page
    assert "hotline1: 5 неудачных попыток входа" in home_page
    assert lift in home_page

    response = client.post(lift)

    assert response.status_code == 302
    assert LOCKED not in _try(STRANGER, "hotline1", TEST_PASSWORD)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_DELAY_LIFTED)
    assert event.actor_id == coordinator.pk
    assert event.target_id == str(hotline_operator.pk)
    assert event.details == {"failures": settings.LOGIN_LOCKOUT_FAILURES}
    assert "Вход заблокирован до" not in client.get(reverse("accounts:operators")).content.decode()


def test_an_operator_cannot_lift_a_delay(hotline_operator, operator_factory, settings) -> None:
    other = operator_factory("hotline2")
    _fail(settings.LOGIN_LOCKOUT_FAILURES, STRANGER, "hotline2")
    client = Client()
    log_in(client, hotline_operator)

    response = client.post(reverse("accounts:operator_lift_delay", args=[other.pk]))

    assert response.status_code == 403
    assert LOCKED in _try(STRANGER, "hotline2", TEST_PASSWORD)
