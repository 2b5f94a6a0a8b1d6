"""Test personas: operators with passwords, second factors, keyrings and logged-in clients."""

from __future__ import annotations

import hashlib
from base64 import b32decode
from typing import Any

from django.test import Client
from django.urls import reverse

from refuge.accounts import totp
from refuge.accounts.demo import demo_totp_secret
from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.accounts.services import create_operator
from refuge.vault.keyring import Keyring
from refuge.vault.operators import unlock_private_key

TEST_PASSWORD = "correct horse battery staple"  # noqa: S105 - tests only


def test_seed(operator: Operator) -> bytes:
    """The TOTP seed of a test operator's device: derived from the username, so tests (like
    an authenticator app) know it; the database holds it only sealed to the operator's key."""
    return hashlib.sha256(b"refuge-test-totp:" + str(operator.username).encode()).digest()[:20]


def enrol_test_device(operator: Operator) -> None:
    totp.enrol(operator, seed=test_seed(operator), name="test", confirmed=True)


def make_operator(
    username: str,
    role: Role = Role.OPERATOR,
    *,
    intake: bool = False,
    password: str = TEST_PASSWORD,
) -> Operator:
    """An operator with a keypair and a confirmed TOTP device."""
    operator = create_operator(
        created_by=None, username=username, role=role, password=password, on_intake_duty=intake
    )
    enrol_test_device(operator)
    return operator


def current_code(operator: Operator) -> str:
    """The code the operator's app shows now (a demo operator's: from the demo's secret)."""
    if operator.created_for_demo:
        return totp.current_code(demo_totp_secret(operator.username))
    return totp.current_code(test_seed(operator))


def log_in(client: Client, operator: Operator, password: str = TEST_PASSWORD) -> Any:
    """Log in through the real two-step views; returns the final response.

    A code is accepted once (replay protection): a test logging the same operator in twice
    within 30 seconds first forgets the last code used."""
    totp.restart_window(operator)
    client.post(reverse("accounts:login"), {"username": operator.username, "password": password})
    return client.post(reverse("accounts:code"), {"code": current_code(operator)})


def keyring_for(operator: Operator, password: str = TEST_PASSWORD) -> Keyring:
    """The keyring a logged-in request of this operator would carry."""
    return Keyring(operator_id=operator.pk, private_key=unlock_private_key(operator, password))


def enrolment_secret(code_page: str) -> bytes:
    """The TOTP seed the enrolment page shows (what a person types into their app)."""
    shown = code_page.split('<code class="secret">')[1].split("</code>", maxsplit=1)[0]
    return b32decode(shown.replace(" ", ""))


def set_duress_password(operator: Operator, duress_password: str) -> None:
    """Set a duress password as the logged-in operator's request does: their keyring opens
    the TOTP seed, of which the duress password keeps its own copy."""
    from refuge.accounts import duress
    from refuge.vault.keyring import activated

    with activated(keyring_for(operator)):
        duress.set_duress_password(
            operator=operator, current_password=TEST_PASSWORD, duress_password=duress_password
        )
