"""A duress lock and an emergency lock are lifted only by two coordinators (configurable)."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import LockLiftApproval, Operator
from refuge.accounts.roles import Role
from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import TEST_PASSWORD, log_in, make_operator, set_duress_password

pytestmark = pytest.mark.django_db
DURESS_PASSWORD = "blue bicycle under the bridge"
HOME = reverse("console:home")
LOGIN = reverse("accounts:login")
REOPEN = reverse("accounts:reopen")
CLOSED = "Консоль закрыта после экстренной блокировки"


def _console(operator: Operator) -> Client:
    client = Client()  # log_in restarts the code window: a second login in 30 s works
    log_in(client, operator)
    return client


def _duress_locked(operator: Operator) -> Operator:
    set_duress_password(operator, DURESS_PASSWORD)
    log_in(Client(), operator, password=DURESS_PASSWORD)
    operator.refresh_from_db()
    assert operator.locked_reason == "duress"
    return operator


def _approve_unlock(client: Client, operator: Operator) -> str:
    response = client.post(reverse("accounts:operator_unlock", args=[operator.pk]), follow=True)
    return response.content.decode()


@pytest.fixture
def second_coordinator(db) -> Operator:
    return make_operator("coord2", Role.COORDINATOR)


def test_unlocking_a_duress_lock_takes_two_coordinators(
    coordinator, second_coordinator, hotline_operator
) -> None:
    operator = _duress_locked(hotline_operator)
    first, second = _console(coordinator), _console(second_coordinator)

    page = _approve_unlock(first, operator)
    operator.refresh_from_db()
    assert operator.locked_reason == "duress"
    assert "Ваше согласие записано. Ещё 1 координатор должен согласиться." in page
    assert "Согласились: coord." in page

    again = _approve_unlock(first, operator)
    assert "Вы уже согласились. Нужно согласие ещё одного координатора." in again
    assert LockLiftApproval.objects.count() == 1

    done = _approve_unlock(second, operator)
    operator.refresh_from_db()
    assert operator.locked_reason == ""
    assert "Учётная запись разблокирована." in done
    assert not LockLiftApproval.objects.exists()
    approvals = AuditEvent.objects.filter(
        action=AuditAction.LOCK_LIFT_APPROVED, target_id=str(operator.pk)
    ).order_by("sequence")
    assert [(event.actor_id, event.details["approvals"]) for event in approvals] == [
        (coordinator.pk, 1),
        (second_coordinator.pk, 2),
    ]
    unlocked = AuditEvent.objects.filter(
        action=AuditAction.OPERATOR_CHANGED, target_id=str(operator.pk)
    ).latest("sequence")
    assert unlocked.actor_id == second_coordinator.pk
    assert unlocked.details == {"unlocked": "duress"}


def test_one_coordinator_unlocks_alone_when_configured(
    coordinator, hotline_operator, settings
) -> None:
    settings.UNLOCK_COORDINATORS = 1
    operator = _duress_locked(hotline_operator)

    _approve_unlock(_console(coordinator), operator)

    operator.refresh_from_db()
    assert operator.locked_reason == ""


def test_a_coordinator_account_made_after_the_lock_does_not_count(
    coordinator, hotline_operator
) -> None:
    operator = _duress_locked(hotline_operator)
    newcomer = make_operator("coord-new", Role.COORDINATOR)
    _approve_unlock(_console(coordinator), operator)

    page = _approve_unlock(_console(newcomer), operator)

    operator.refresh_from_db()
    assert operator.locked_reason == "duress"
    assert "учётная запись которого существовала до блокировки" in page
    assert "Согласиться может только 1 координатор" in page


def test_an_approval_lapses_after_a_day(coordinator, second_coordinator, hotline_operator) -> None:
    with time_machine.travel("2026-04-01 09:00Z"):
        operator = _duress_locked(hotline_operator)
        _approve_unlock(_console(coordinator), operator)
    with time_machine.travel("2026-04-02 10:00Z"):
        _approve_unlock(_console(second_coordinator), operator)

    operator.refresh_from_db()
    assert operator.locked_reason == "duress"


def test_a_hotline_operator_cannot_approve(coordinator, hotline_operator, operator_factory) -> None:
    operator = _duress_locked(hotline_operator)
    other = operator_factory("hotline2")

    response = _console(other).post(reverse("accounts:operator_unlock", args=[operator.pk]))

    assert response.status_code == 403
    assert not LockLiftApproval.objects.exists()


def test_the_emergency_lock_closes_the_console_until_two_coordinators_reopen_it(
    coordinator, second_coordinator, hotline_operator
) -> None:
    _console(coordinator).post(reverse("accounts:emergency_lock"), {"confirm": "on"})

    refused = Client().post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})
    assert CLOSED in refused.content.decode()
    first = _console(coordinator)
    assert first.get(HOME)["Location"] == REOPEN
    assert first.get(reverse("hotline:queue"))["Location"] == REOPEN
    assert first.get(REOPEN).status_code == 200
    page = first.post(REOPEN, follow=True).content.decode()
    assert "Ещё 1 координатор должен согласиться." in page
    assert (
        CLOSED
        in Client()
        .post(LOGIN, {"username": "hotline1", "password": TEST_PASSWORD})
        .content.decode()
    )

    second = _console(second_coordinator)
    response = second.post(REOPEN)

    assert response["Location"] == HOME
    assert second.get(HOME).status_code == 200
    operator_client = Client()
    log_in(operator_client, hotline_operator)
    assert operator_client.get(HOME).status_code == 200
    reopened = AuditEvent.objects.get(action=AuditAction.CONSOLE_REOPENED)
    assert reopened.actor_id == second_coordinator.pk
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.LOGIN_LOCKED, details__reason="console_closed"
        ).count()
        == 2
    )


def test_the_public_intake_keeps_working_while_the_console_is_closed(coordinator) -> None:
    _console(coordinator).post(reverse("accounts:emergency_lock"), {"confirm": "on"})

    assert Client().get(reverse("intake:report")).status_code == 200


def test_a_wrong_password_while_closed_gets_the_generic_message(
    coordinator, hotline_operator
) -> None:
    _console(coordinator).post(reverse("accounts:emergency_lock"), {"confirm": "on"})

    page = Client().post(LOGIN, {"username": "hotline1", "password": "wrong"}).content.decode()

    assert CLOSED not in page
    assert "Неверное имя, пароль или код" in page


def test_a_new_emergency_lock_voids_earlier_approvals(coordinator, second_coordinator) -> None:
    first = _console(coordinator)
    first.post(reverse("accounts:emergency_lock"), {"confirm": "on"})
    _console(coordinator).post(REOPEN)
    assert LockLiftApproval.objects.count() == 1

    _console(second_coordinator).post(reverse("accounts:emergency_lock"), {"confirm": "on"})

    assert not LockLiftApproval.objects.exists()
    page = _console(second_coordinator).get(REOPEN).content.decode()
    assert "Согласились" not in page
