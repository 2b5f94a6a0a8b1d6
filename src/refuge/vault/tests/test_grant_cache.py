"""The session grant cache never outlives a grant and holds no usable key."""

from __future__ import annotations

import pytest

from refuge.core.testing import TEST_PASSWORD
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

    from refuge.core.testing import keyring_for

    with vault.activated(keyring_for(coordinator)):
        vault.revoke(note.envelope_id, reader=colleague, revoked_by=coordinator)

    assert not vault.is_readable(read(colleague_session, note))


def test_a_warm_cache_does_not_survive_shredding(coordinator) -> None:
    note = sealed_note(coordinator, "Удалить")
    session = session_reader(coordinator)
    assert read(session, note) == "Удалить"
    from refuge.core.testing import keyring_for

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
