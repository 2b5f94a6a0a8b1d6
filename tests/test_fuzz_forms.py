"""Hypothesis-driven bad input against every form of the foundation.

No 500 (the test client re-raises any exception a view lets through), no traceback in the
page, and nothing stored from a rejected request.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from refuge.accounts.forms import (
    CreateOperatorForm,
    DuressPasswordForm,
    EditOperatorForm,
    PasswordChangeForm,
)
from refuge.accounts.models import GlobalLock, Operator
from refuge.testing import TEST_PASSWORD, log_in

from .fuzzing import FUZZ, WEIRD_TEXT, form_data


def _no_traceback(response: Any) -> None:
    assert response.status_code < 500
    body = response.content.decode(errors="replace")
    assert "Traceback" not in body
    assert 'File "' not in body


def _snapshot() -> list[tuple[Any, ...]]:
    return sorted(
        Operator.objects.values_list(
            "username",
            "role",
            "is_active",
            "is_on_intake_duty",
            "password",
            "duress_password",
            "locked_reason",
            "version",
        )
    )


@FUZZ
@given(data=form_data(["username", "password"]))
def test_login_form(client: Client, hotline_operator: Operator, data: dict[str, str]) -> None:
    before = _snapshot()
    response = client.post(reverse("accounts:login"), data)
    _no_traceback(response)
    assert "_auth_user_id" not in client.session
    assert _snapshot() == before


@FUZZ
@given(code=WEIRD_TEXT)
def test_code_form(client: Client, hotline_operator: Operator, code: str) -> None:
    client.post(reverse("accounts:login"), {"username": "hotline1", "password": TEST_PASSWORD})
    response = client.post(reverse("accounts:code"), {"code": code})
    _no_traceback(response)
    if code.strip() and response.status_code == 302 and "_auth_user_id" in client.session:
        raise AssertionError("a fuzzed code logged in")


@FUZZ
@given(data=form_data(["username", "role", "on_intake_duty"]))
def test_create_operator_form(client: Client, coordinator: Operator, data: dict[str, str]) -> None:
    if "_auth_user_id" not in client.session:
        log_in(client, coordinator)
    count = Operator.objects.count()
    accepted = CreateOperatorForm(data).is_valid()
    _no_traceback(client.post(reverse("accounts:operator_create"), data))
    assert Operator.objects.count() == count + (1 if accepted else 0)


@FUZZ
@given(data=form_data(["version", "role", "is_active", "on_intake_duty"]))
def test_edit_operator_form(
    client: Client, coordinator: Operator, hotline_operator: Operator, data: dict[str, str]
) -> None:
    if "_auth_user_id" not in client.session:
        log_in(client, coordinator)
    before = _snapshot()
    accepted = EditOperatorForm(data).is_valid()
    response = client.post(reverse("accounts:operator_edit", args=[hotline_operator.pk]), data)
    _no_traceback(response)
    if not accepted:
        assert _snapshot() == before


@FUZZ
@given(data=form_data(["old_password", "new_password"]))
def test_password_change_form(
    client: Client, hotline_operator: Operator, data: dict[str, str]
) -> None:
    if "_auth_user_id" not in client.session:
        log_in(client, hotline_operator)
    before = _snapshot()
    PasswordChangeForm(data).is_valid()
    _no_traceback(client.post(reverse("accounts:password_change"), data))
    assert _snapshot() == before  # the old password is never guessed by the fuzzer


@FUZZ
@given(data=form_data(["current_password", "duress_password", "duress_password_again"]))
def test_duress_password_form(
    client: Client, hotline_operator: Operator, data: dict[str, str]
) -> None:
    if "_auth_user_id" not in client.session:
        log_in(client, hotline_operator)
    before = _snapshot()
    DuressPasswordForm(data).is_valid()
    _no_traceback(client.post(reverse("accounts:duress_password"), data))
    assert _snapshot() == before


@FUZZ
@given(data=form_data(["other"]), confirm=st.sampled_from(["", "false", "False", "FALSE", "0"]))
def test_emergency_lock_form_without_confirmation(
    client: Client, coordinator: Operator, data: dict[str, str], confirm: str
) -> None:
    if "_auth_user_id" not in client.session:
        log_in(client, coordinator)
    data.pop("confirm", None)
    _no_traceback(client.post(reverse("accounts:emergency_lock"), {**data, "confirm": confirm}))
    assert not GlobalLock.objects.filter(generation__gt=0).exists()


@FUZZ
@given(data=form_data(["action", "actor", "target_type", "target_id", "since", "until", "page"]))
def test_audit_filters(client: Client, coordinator: Operator, data: dict[str, str]) -> None:
    if "_auth_user_id" not in client.session:
        log_in(client, coordinator)
    response = client.get(reverse("audit:log"), data)
    _no_traceback(response)
    assert response.status_code == 200
