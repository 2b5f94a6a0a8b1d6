"""Helpers for the test suite (imported by conftest.py and tests, never by the app)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.accounts.services import create_operator
from refuge.vault.keyring import Keyring
from refuge.vault.operators import unlock_private_key

TEST_PASSWORD = "correct horse battery staple"  # noqa: S105 - tests only


def make_operator(username: str, role: Role = Role.OPERATOR, *, intake: bool = False,
                  password: str = TEST_PASSWORD) -> Operator:
    """An operator with a keypair and a confirmed TOTP device."""
    operator = create_operator(created_by=None, username=username, role=role,
                               password=password, on_intake_duty=intake)
    TOTPDevice.objects.create(user=operator, name="test", confirmed=True)
    return operator


def current_code(operator: Operator) -> str:
    device = TOTPDevice.objects.get(user=operator, confirmed=True)
    return f"{totp(device.bin_key):06d}"


def log_in(client: Client, operator: Operator, password: str = TEST_PASSWORD) -> Any:
    """Log in through the real two-step views; returns the final response."""
    client.post(reverse("accounts:login"), {"username": operator.username, "password": password})
    return client.post(reverse("accounts:code"), {"code": current_code(operator)})


def keyring_for(operator: Operator, password: str = TEST_PASSWORD) -> Keyring:
    """The keyring a logged-in request of this operator would carry."""
    return Keyring(operator_id=operator.pk, private_key=unlock_private_key(operator, password))
