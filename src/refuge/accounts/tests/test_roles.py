from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from refuge.accounts.roles import Role
from refuge.accounts.services import create_operator, update_operator
from refuge.testing import log_in


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.COORDINATOR, 200),
        (Role.OPERATOR, 403),
        (Role.CASE_WORKER, 403),
        (Role.LAWYER, 403),
        (Role.ANALYST, 403),
    ],
)
def test_only_coordinators_open_the_operator_and_audit_pages(
    client: Client, operator_factory, role, expected
) -> None:
    operator = operator_factory("person", role)
    log_in(client, operator)

    assert client.get(reverse("accounts:operators")).status_code == expected
    assert client.get(reverse("audit:log")).status_code == expected


def test_services_refuse_a_non_coordinator_even_without_a_menu(operator_factory) -> None:
    operator = operator_factory("person", Role.OPERATOR)
    with pytest.raises(PermissionDenied):
        create_operator(
            created_by=operator, username="sneaky", role=Role.COORDINATOR, password="x" * 16
        )
    with pytest.raises(PermissionDenied):
        update_operator(
            operator=operator,
            changed_by=operator,
            role=Role.COORDINATOR,
            is_active=True,
            on_intake_duty=True,
        )


def test_anonymous_visitor_is_sent_to_login(client: Client, db) -> None:
    response = client.get(reverse("accounts:operators"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_coordinator_creates_an_operator_and_sees_the_password_once(
    client: Client, coordinator
) -> None:
    log_in(client, coordinator)
    response = client.post(
        reverse("accounts:operator_create"), {"username": "new_op", "role": Role.OPERATOR}
    )
    assert response.status_code == 200
    assert "new_op" in response.content.decode()
    from refuge.accounts.models import Operator

    assert Operator.objects.get(username="new_op").role == Role.OPERATOR


def test_deactivated_operator_loses_the_open_session(coordinator, operator_factory) -> None:
    operator = operator_factory("leaver", Role.OPERATOR)
    session = Client()
    log_in(session, operator)
    update_operator(
        operator=operator,
        changed_by=coordinator,
        role=Role.OPERATOR,
        is_active=False,
        on_intake_duty=False,
    )
    assert session.get(reverse("console:home")).status_code == 302
