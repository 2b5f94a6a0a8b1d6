"""A duress login takes the time of a real one: the password step spends
the same Argon2id derivation, and the code is checked against the seed (its duress copy)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from refuge.accounts import duress, services, totp
from refuge.accounts.models import Operator, SealedTOTPDevice
from refuge.accounts.roles import Role
from refuge.core.addresses import ClientAddress
from refuge.testing import (
    TEST_PASSWORD,
    current_code,
    keyring_for,
    make_operator,
    set_duress_password,
)
from refuge.vault import api as vault
from refuge.vault import crypto

DURESS_PASSWORD = "forced at the checkpoint 7"
LOGIN, CODE = reverse("accounts:login"), reverse("accounts:code")


def _at(ip: str) -> ClientAddress:
    return ClientAddress(ip, is_shared=False)


def _with_duress(operator: Operator) -> Any:
    set_duress_password(operator, DURESS_PASSWORD)
    return operator


def _derivations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count Argon2id derivations (a spy: the real function still runs)."""
    calls: list[int] = []
    real = crypto.derive_key

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(kwargs["memory_kib"])
        return real(*args, **kwargs)

    monkeypatch.setattr(crypto, "derive_key", counting)
    return calls


def test_a_duress_password_step_spends_the_derivation_a_real_one_does(
    db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_operator("real-one", Role.CASE_WORKER)
    _with_duress(make_operator("coerced", Role.CASE_WORKER))
    calls = _derivations(monkeypatch)

    services.check_password(username="real-one", password=TEST_PASSWORD, address=_at("1.2.3.4"))
    real = list(calls)
    calls.clear()
    first = services.check_password(
        username="coerced", password=DURESS_PASSWORD, address=_at("1.2.3.5")
    )

    assert first.is_duress
    assert real == calls  # the same number of derivations, at the same memory cost
    assert len(real) == 1


def _password_step_cpu_seconds(username: str, password: str, ip: str) -> float:
    started = time.process_time()
    services.check_password(username=username, password=password, address=_at(ip))
    return time.process_time() - started


@pytest.mark.slow
def test_a_duress_login_takes_the_time_of_a_real_one(db: Any, settings: Any) -> None:
    # A cost near production's, so the derivation dominates as it does there.
    settings.VAULT_KDF_MEMORY_KIB, settings.VAULT_KDF_ITERATIONS = 32_768, 2
    make_operator("real-one", Role.LAWYER)
    coerced = _with_duress(make_operator("coerced", Role.LAWYER))
    coordinator = make_operator("boss", Role.COORDINATOR)
    real, forced = [], []
    for _ in range(4):
        real.append(_password_step_cpu_seconds("real-one", TEST_PASSWORD, "1.1.1.1"))
        forced.append(_password_step_cpu_seconds("coerced", DURESS_PASSWORD, "1.1.1.2"))
        duress.unlock_operator(operator=coerced, unlocked_by=coordinator)

    # The processor time this process spends (the derivations and hash checks in every
    # thread), not the wall-clock time, which on a shared machine is mostly the neighbours'.
    # On a quiet machine the two are the same (34 ms and 38 ms at this cost); the fastest of
    # four each, as one slow one is the machine's.
    ratio = min(forced) / min(real)
    assert 0.6 < ratio < 1.6, f"real {real}, duress {forced}"


def test_the_duress_code_step_checks_the_code_like_a_real_one(client: Client, db: Any) -> None:
    coerced = _with_duress(make_operator("coerced", Role.OPERATOR))
    wrong = "000000" if current_code(coerced) != "000000" else "111111"

    client.post(LOGIN, {"username": "coerced", "password": DURESS_PASSWORD})
    refused = client.post(CODE, {"code": wrong})
    accepted = client.post(CODE, {"code": current_code(coerced)})

    assert refused.status_code == 200  # the same refusal a real login gets
    assert accepted.status_code == 302
    assert client.get(reverse("console:home")).status_code == 200


def test_the_seed_is_sealed_and_the_duress_copy_needs_the_duress_password(db: Any) -> None:
    from refuge.testing import test_seed

    operator = _with_duress(make_operator("sealed", Role.OPERATOR))
    device = SealedTOTPDevice.objects.get(user=operator)
    seed = test_seed(operator)

    assert seed not in bytes(device.sealed_seed)
    assert seed not in bytes(device.duress_seed or b"")
    assert totp.open_duress_copy(operator, "a wrong password, long") is None
    assert totp.open_duress_copy(operator, DURESS_PASSWORD) == seed
    assert totp.open_seed(device, vault.Keyring(operator_id=operator.pk)) is None
    assert totp.open_seed(device, keyring_for(operator)) == seed
