"""The session grant cache never outlives a grant and holds no usable key."""

from __future__ import annotations

import time

import pytest

from refuge.testing import TEST_PASSWORD
from refuge.vault import api as vault
from refuge.vault import grant_cache
from refuge.vault.models import SealedFile
from refuge.vault.operators import keyring_from_session
from refuge.vault.tests.helpers import sealed_note

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    grant_cache.clear()
    yield
    grant_cache.clear()


def session_reader(operator):
    unlock = vault.unlock_for_session(operator, TEST_PASSWORD)
    return lambda: keyring_from_session(operator, unlock.session_blob, unlock.cookie_key)


def read(keyring_factory, note):
    with vault.activated(keyring_factory()):
        vault.preload([note.envelope_id])
        return SealedFile.objects.get(pk=note.pk).name


def test_a_warm_cache_does_not_survive_revocation(coordinator, operator_factory) -> None:
    colleague = operator_factory("colleague")
    note = sealed_note(coordinator, "Убежище в Тбилиси", readers=[colleague])
    colleague_session = session_reader(colleague)
    assert read(colleague_session, note) == "Убежище в Тбилиси"
    assert read(colleague_session, note) == "Убежище в Тбилиси"  # from the cache
    assert len(grant_cache._entries) == 1

    from refuge.testing import keyring_for

    with vault.activated(keyring_for(coordinator)):
        vault.revoke(note.envelope_id, reader=colleague, revoked_by=coordinator)

    assert not vault.is_readable(read(colleague_session, note))


def test_a_warm_cache_does_not_survive_shredding(coordinator) -> None:
    note = sealed_note(coordinator, "Удалить")
    session = session_reader(coordinator)
    assert read(session, note) == "Удалить"
    from refuge.testing import keyring_for

    with vault.activated(keyring_for(coordinator)):
        vault.shred(note.envelope_id, actor=coordinator)
    assert not vault.is_readable(read(session, note))


def test_entries_hold_no_data_key_and_serve_no_other_session(coordinator) -> None:
    note = sealed_note(coordinator, "secret")
    first = session_reader(coordinator)
    read(first, note)
    with vault.activated(first()) as keyring:
        data_key = keyring.data_key(note.envelope_id)
    assert all(data_key not in wrapped for wrapped in grant_cache._entries.values())

    second = session_reader(coordinator)  # another login: another cookie key
    assert read(second, note) == "secret"
    assert len(grant_cache._entries) == 2


def test_an_entry_lives_no_longer_than_its_time_to_live(coordinator, settings, monkeypatch) -> None:
    settings.VAULT_GRANT_CACHE_SECONDS = 600
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    note = sealed_note(coordinator, "Убежище в Тбилиси", readers=[coordinator])
    reader = session_reader(coordinator)
    assert read(reader, note) == "Убежище в Тбилиси"
    (slot,) = grant_cache._entries
    cache_key = reader().session_cache_key
    sealed = bytes(note_grant(note, coordinator))

    now[0] += 599
    assert grant_cache.lookup(cache_key, sealed) is not None
    now[0] += 2

    assert grant_cache.lookup(cache_key, sealed) is None
    assert slot not in grant_cache._entries
    assert read(reader, note) == "Убежище в Тбилиси"  # opened again from the grant


def test_expired_entries_are_swept_without_being_looked_up(
    coordinator, settings, monkeypatch
) -> None:
    settings.VAULT_GRANT_CACHE_SECONDS = 60
    # The cache remembers when it last swept (an earlier test's store, perhaps on that test's
    # fake clock, ahead of the real one): start this clock there.
    now = [time.monotonic()]
    monkeypatch.setattr(grant_cache._state, "swept_at", now[0])
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    grant_cache.store(b"k" * 32, b"first grant", b"d" * 32)
    now[0] += grant_cache.SWEEP_EVERY_SECONDS + 61

    grant_cache.store(b"k" * 32, b"second grant", b"d" * 32)

    assert len(grant_cache._entries) == 1


def test_forgetting_a_session_keeps_the_others() -> None:
    grant_cache.store(b"a" * 32, b"grant", b"d" * 32)
    grant_cache.store(b"b" * 32, b"grant", b"d" * 32)

    assert grant_cache.forget_session(b"a" * 32) == 1

    assert grant_cache.lookup(b"a" * 32, b"grant") is None
    assert grant_cache.lookup(b"b" * 32, b"grant") == b"d" * 32


def note_grant(note, operator):
    from refuge.vault.models import Grant, GrantKind

    return Grant.objects.get(
        envelope_id=note.envelope_id, kind=GrantKind.OPERATOR, operator=operator
    ).sealed_key
