"""A blind index costs a guesser one Argon2id run, and only roles that match
identifiers hold its key."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from refuge.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from refuge.config.settings import base as production_settings
from refuge.testing import keyring_for
from refuge.vault import api as vault
from refuge.vault import crypto
from refuge.vault.blind import MINIMUM_INDEX_COST, MINIMUM_INDEX_MEMORY_KIB
from refuge.vault.models import BlindIndexKey, IndexScheme

pytestmark = pytest.mark.django_db
MESSAGE = b"refuge-blind-index:phone\x00+79285550123"


def test_an_index_is_argon2id_of_the_keyed_hmac_with_the_cost_stored_beside_the_key(
    coordinator, settings
) -> None:
    with vault.activated(keyring_for(coordinator)):
        index = vault.blind_index("phone", "8 928 555-01-23")
        row = BlindIndexKey.objects.get()
        key = vault.current_keyring().data_key(row.envelope_id)

    assert (row.scheme, row.memory_kib, row.iterations) == (
        IndexScheme.ARGON2ID,
        settings.VAULT_BLIND_INDEX_MEMORY_KIB,
        settings.VAULT_BLIND_INDEX_ITERATIONS,
    )
    assert index == crypto.slow_keyed_hash(
        key, MESSAGE, memory_kib=row.memory_kib, iterations=row.iterations
    )
    assert index != crypto.keyed_hash(key, MESSAGE)
    assert len(index) == 64


def test_the_stored_cost_wins_over_a_later_change_of_settings(coordinator, settings) -> None:
    with vault.activated(keyring_for(coordinator)):
        before = vault.blind_index("name", "Ахмед")
    settings.VAULT_BLIND_INDEX_MEMORY_KIB = 512

    with vault.activated(keyring_for(coordinator)):
        assert vault.blind_index("name", "Akhmed") == before  # matching goes on until reindex


def test_one_request_computes_each_index_once(coordinator) -> None:
    with vault.activated(keyring_for(coordinator)) as keyring:
        first = vault.blind_index("phone", "+7 928 555 01 23")
        assert keyring.index_memo == {("phone", "+79285550123"): first}
        assert vault.blind_index("phone", "89285550123") == first
        assert len(keyring.index_memo) == 1
    assert keyring.index_memo == {}  # forgotten with the keyring


def test_a_cost_below_the_minimum_is_refused_unless_weak_keys_are_allowed(
    coordinator, settings
) -> None:
    settings.VAULT_ALLOW_WEAK_KDF = False
    settings.VAULT_BLIND_INDEX_MEMORY_KIB = 8_192

    with vault.activated(keyring_for(coordinator)), pytest.raises(ImproperlyConfigured):
        vault.blind_index("name", "Ахмед")
    assert not BlindIndexKey.objects.exists()


def test_production_defaults_meet_the_minimum() -> None:
    memory = production_settings.VAULT_BLIND_INDEX_MEMORY_KIB
    iterations = production_settings.VAULT_BLIND_INDEX_ITERATIONS
    assert memory >= MINIMUM_INDEX_MEMORY_KIB
    assert memory * iterations >= MINIMUM_INDEX_COST
    assert (memory, iterations) == (65_536, 2)


@pytest.mark.parametrize(("memory", "iterations"), [("8192", "8"), ("19456", "1")])
def test_production_settings_refuse_a_cheap_blind_index(
    tmp_path, memory: str, iterations: str
) -> None:
    environment = {
        **os.environ,
        "REFUGE_DATA_DIR": str(tmp_path),
        "REFUGE_BLIND_INDEX_MEMORY_KIB": memory,
        "REFUGE_BLIND_INDEX_ITERATIONS": iterations,
    }
    loaded = subprocess.run(
        [sys.executable, "-c", "import refuge.config.settings.prod"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert loaded.returncode != 0
    assert "REFUGE_BLIND_INDEX_MEMORY_KIB" in loaded.stderr


@pytest.mark.slow
def test_with_production_costs_a_guess_is_at_least_ten_thousand_times_dearer() -> None:
    key = crypto.random_key()
    count = 20_000
    started = time.process_time()
    for _ in range(count):
        crypto.keyed_hash(key, MESSAGE)
    hmac_seconds = (time.process_time() - started) / count
    started = time.process_time()
    for _ in range(3):
        crypto.slow_keyed_hash(
            key,
            MESSAGE,
            memory_kib=production_settings.VAULT_BLIND_INDEX_MEMORY_KIB,
            iterations=production_settings.VAULT_BLIND_INDEX_ITERATIONS,
        )
    slow_seconds = (time.process_time() - started) / 3

    assert slow_seconds / hmac_seconds >= 10_000


def test_the_index_key_follows_a_capability_held_by_the_roles_that_match_identifiers() -> None:
    holders = {
        role
        for role, capabilities in ROLE_CAPABILITIES.items()
        if Capability.MATCH_IDENTIFIERS in capabilities
    }

    assert holders == {Role.COORDINATOR, Role.OPERATOR, Role.CASE_WORKER}


def test_a_check_warns_while_indexes_are_made_the_old_way(coordinator) -> None:
    from refuge.vault.checks import blind_index_scheme

    with vault.activated(keyring_for(coordinator)):
        vault.blind_index("name", "Ахмед")
    BlindIndexKey.objects.update(memory_kib=65_536, iterations=2)  # production's cost
    assert blind_index_scheme(databases=["default"]) == []
    assert blind_index_scheme() == []  # without --database nothing is queried

    BlindIndexKey.objects.update(scheme=IndexScheme.HMAC_SHA256, memory_kib=0, iterations=0)

    [warning] = blind_index_scheme(databases=["default"])
    assert warning.id == "refuge.vault.W001"
    assert warning.hint is not None
    assert "refuge reindex" in warning.hint
