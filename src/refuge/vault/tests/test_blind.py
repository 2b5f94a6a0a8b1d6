"""Point 5: blind indexes keyed by an envelope's data key."""

from __future__ import annotations

import pytest

from refuge.accounts import services as accounts
from refuge.accounts.roles import Role
from refuge.testing import keyring_for
from refuge.vault import api as vault
from refuge.vault.keyring import Keyring
from refuge.vault.models import BlindIndexKey, Grant, GrantKind
from refuge.vault.recovery import create_recovery_key, recover_private_key

pytestmark = pytest.mark.django_db


def index_as(operator, kind: str, value: str) -> str:
    with vault.activated(keyring_for(operator)):
        return vault.blind_index(kind, value)


def test_equal_after_normalising_and_different_otherwise(coordinator) -> None:
    with vault.activated(keyring_for(coordinator)):
        ahmed = {vault.blind_index("name", v) for v in ("Ахмед", "Akhmed", "Ahmed", "ahmed ")}
        phone = {
            vault.blind_index(vault.IndexKind.PHONE, v) for v in ("8 928 555-01-23", "+79285550123")
        }
        assert len(ahmed) == 1
        assert len(phone) == 1
        assert vault.blind_index("name", "Ахмед") != vault.blind_index("name", "Хасан")
        # kinds are separated: the same text as a handle is another index
        assert vault.blind_index("handle", "ahmed") != vault.blind_index("name", "ahmed")
    (index,) = ahmed
    assert len(index) == 64
    assert "ahmed" not in index


def test_every_entitled_operator_gets_the_same_index(coordinator, operator_factory) -> None:
    hotline = operator_factory("hotline", Role.OPERATOR)
    caseworker = operator_factory("caseworker", Role.CASE_WORKER)
    expected = index_as(coordinator, "phone", "+7 928 555 01 23")
    assert index_as(hotline, "phone", "89285550123") == expected
    assert index_as(caseworker, "phone", "8(928)5550123") == expected


def test_the_index_key_is_an_envelope_sealed_to_entitled_roles_and_recovery(
    coordinator, operator_factory
) -> None:
    create_recovery_key(threshold=2, shares=3)
    analyst = operator_factory("analyst", Role.ANALYST)
    lawyer = operator_factory("lawyer", Role.LAWYER)
    hotline = operator_factory("hotline", Role.OPERATOR)
    index_as(coordinator, "name", "Ахмед")

    key = BlindIndexKey.objects.get()
    assert key.envelope.purpose == vault.Purpose.BLIND_INDEX
    readers = set(vault.readers_of(key.envelope_id))
    assert readers == {coordinator.pk, hotline.pk}
    assert Grant.objects.filter(envelope=key.envelope, kind=GrantKind.RECOVERY).exists()
    for outsider in (analyst, lawyer):
        with vault.activated(keyring_for(outsider)), pytest.raises(vault.AccessDenied):
            vault.blind_index("name", "Ахмед")


def test_recovery_key_computes_the_same_index(coordinator) -> None:
    setup = create_recovery_key(threshold=2, shares=3)
    expected = index_as(coordinator, "name", "Ахмед")
    with vault.activated(Keyring(recovery_private_key=recover_private_key(setup.shares[:2]))):
        assert vault.blind_index("name", "Akhmed") == expected


def test_operators_created_later_get_the_key_from_their_creator(coordinator) -> None:
    expected = index_as(coordinator, "name", "Ахмед")
    with vault.activated(keyring_for(coordinator)):
        newcomer = accounts.create_operator(
            created_by=coordinator,
            username="newcomer",
            role=Role.OPERATOR,
            password="correct horse battery staple",
        )
    assert index_as(newcomer, "name", "Ahmed") == expected


def test_operators_created_from_the_command_line_get_it_lazily(
    coordinator, operator_factory
) -> None:
    expected = index_as(coordinator, "name", "Ахмед")
    newcomer = operator_factory("newcomer", Role.OPERATOR)  # no keyring holds the key here
    with vault.activated(keyring_for(newcomer)), pytest.raises(vault.AccessDenied):
        vault.blind_index("name", "Ahmed")
    index_as(coordinator, "name", "anything")  # any holder's first index syncs the grants
    assert index_as(newcomer, "name", "Ahmed") == expected


def test_losing_the_role_or_being_deactivated_loses_the_key(coordinator, operator_factory) -> None:
    hotline = operator_factory("hotline", Role.OPERATOR)
    index_as(coordinator, "name", "Ахмед")
    with vault.activated(keyring_for(coordinator)):
        accounts.update_operator(
            operator=hotline,
            changed_by=coordinator,
            role=Role.ANALYST,
            is_active=True,
            on_intake_duty=False,
        )
    with vault.activated(keyring_for(hotline)), pytest.raises(vault.AccessDenied):
        vault.blind_index("name", "Ahmed")


def test_a_reset_password_keeps_the_role_key_but_nothing_else(
    coordinator, operator_factory
) -> None:
    hotline = operator_factory("hotline", Role.OPERATOR)
    expected = index_as(coordinator, "name", "Ахмед")
    with vault.activated(keyring_for(coordinator)):
        accounts.reset_password(
            operator=hotline, reset_by=coordinator, new_password="a brand new passphrase"
        )
    with vault.activated(keyring_for(hotline, "a brand new passphrase")):
        assert vault.blind_index("name", "Ahmed") == expected


def test_an_anonymous_request_cannot_create_or_use_the_key(coordinator) -> None:
    with pytest.raises(vault.VaultLocked):
        vault.blind_index("name", "Ахмед")  # the autouse empty keyring
    assert not BlindIndexKey.objects.exists()
    index_as(coordinator, "name", "Ахмед")
    with pytest.raises(vault.VaultLocked):
        vault.blind_index("name", "Ахмед")


def test_nothing_to_index_is_refused(coordinator) -> None:
    with vault.activated(keyring_for(coordinator)), pytest.raises(ValueError, match="Nothing"):
        vault.blind_index("phone", "не помню")
