"""Points 3 and 6: sharing, revoking, shredding."""

from __future__ import annotations

import pytest

from refuge.audit.models import AuditAction, AuditEvent
from refuge.testing import keyring_for
from refuge.vault import api as vault
from refuge.vault.keyring import Keyring
from refuge.vault.models import Envelope, Grant, SealedFile
from refuge.vault.recovery import create_recovery_key, recover_private_key
from refuge.vault.tests.helpers import read_as, sealed_note

pytestmark = pytest.mark.django_db


def test_share_lets_another_operator_read_and_is_audited(coordinator, operator_factory) -> None:
    colleague = operator_factory("colleague")
    note = sealed_note(coordinator, "Хасан, Грозный")
    assert not vault.is_readable(read_as(colleague, note))

    with vault.activated(keyring_for(coordinator)):
        vault.share(note.envelope_id, reader=colleague, granted_by=coordinator)

    assert read_as(colleague, note) == "Хасан, Грозный"
    assert colleague.pk in vault.readers_of(note.envelope_id)
    event = AuditEvent.objects.get(action=AuditAction.GRANT_ADDED, target_id=note.envelope_id)
    assert event.details == {"reader": colleague.pk}


def test_only_a_reader_can_share(coordinator, operator_factory) -> None:
    outsider = operator_factory("outsider")
    accomplice = operator_factory("accomplice")
    note = sealed_note(coordinator, "secret")
    with vault.activated(keyring_for(outsider)), pytest.raises(vault.AccessDenied):
        vault.share(note.envelope_id, reader=accomplice, granted_by=outsider)
    assert not Grant.objects.filter(operator=accomplice).exists()


def test_revoked_operator_can_no_longer_read(coordinator, operator_factory) -> None:
    colleague = operator_factory("colleague")
    note = sealed_note(coordinator, "Хасан, Грозный", readers=[colleague])
    assert read_as(colleague, note) == "Хасан, Грозный"

    with vault.activated(keyring_for(coordinator)):
        vault.revoke(note.envelope_id, reader=colleague, revoked_by=coordinator)

    assert not vault.is_readable(read_as(colleague, note))
    assert read_as(coordinator, note) == "Хасан, Грозный"
    assert AuditEvent.objects.filter(action=AuditAction.GRANT_REVOKED).count() == 1


def test_shred_leaves_nobody_able_to_read_not_even_recovery(coordinator) -> None:
    setup = create_recovery_key(threshold=3, shares=5)
    note = sealed_note(coordinator, "Удалить навсегда")
    with vault.activated(keyring_for(coordinator)):
        assert vault.can_read(note.envelope_id)
        vault.shred(note.envelope_id, actor=coordinator)
        assert not vault.can_read(note.envelope_id)  # forgotten in this very request too

    assert not Grant.objects.filter(envelope_id=note.envelope_id).exists()
    assert Envelope.objects.get(pk=note.envelope_id).shredded_at is not None
    assert not vault.is_readable(read_as(coordinator, note))
    recovery = Keyring(recovery_private_key=recover_private_key(setup.shares[:3]))
    with vault.activated(recovery):
        assert not vault.can_read(note.envelope_id)
        assert not vault.is_readable(SealedFile.objects.get(pk=note.pk).name)
    event = AuditEvent.objects.get(action=AuditAction.RECORD_DELETED)
    assert event.details == {"shredded": True, "grants": 2}


def test_recovery_key_can_read_before_shredding(coordinator) -> None:
    setup = create_recovery_key(threshold=3, shares=5)
    note = sealed_note(coordinator, "Спасти")
    with vault.activated(Keyring(recovery_private_key=recover_private_key(setup.shares[2:]))):
        assert SealedFile.objects.get(pk=note.pk).name == "Спасти"


def test_a_damaged_grant_is_a_clear_error_not_a_crash(coordinator, operator_factory) -> None:
    colleague = operator_factory("colleague")
    note = sealed_note(coordinator, "secret")
    Grant.objects.filter(envelope_id=note.envelope_id, operator=coordinator).update(
        sealed_key=b"\x01" * 80
    )
    assert not vault.is_readable(read_as(coordinator, note))
    with vault.activated(keyring_for(coordinator)), pytest.raises(vault.UnreadableRecord) as error:
        vault.share(note.envelope_id, reader=colleague, granted_by=coordinator)
    assert str(note.envelope_id) in str(error.value)
    assert AuditEvent.objects.filter(action=AuditAction.DECRYPTION_FAILED).count() == 2
