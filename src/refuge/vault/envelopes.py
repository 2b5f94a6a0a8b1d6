"""Envelopes: one data key per sensitive record, sealed to each reader and to recovery."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.operators import OperatorLike
from refuge.vault import crypto
from refuge.vault.errors import AccessDenied, UnreadableRecord, VaultError, VaultLocked
from refuge.vault.keyring import current_keyring, parent_grant_label
from refuge.vault.models import Envelope, Grant, GrantKind, OperatorKey, Purpose, RecoveryKey


def _associated_data(envelope_id: uuid.UUID, label: str) -> bytes:
    # Binding the envelope and the field's label means a ciphertext copied into another
    # record or another column fails to authenticate instead of showing the wrong text.
    return f"refuge:{envelope_id}:{label}".encode()


@transaction.atomic
def create_envelope(
    *,
    purpose: Purpose,
    readers: Iterable[OperatorLike] = (),
    parents: Iterable[uuid.UUID] = (),
    data_key: bytes | None = None,
) -> Envelope:
    """Make a new data key, seal it to each reader, under each parent envelope's key (the
    current keyring must hold it) and to the recovery key; keep it unlocked.

    `data_key` is for the vault's own use (a re-index computes with the key before the
    envelope that will hold it exists); everyone else lets the envelope make its key.
    """
    envelope = Envelope.objects.create(purpose=purpose)
    data_key = data_key or crypto.random_key()
    current_keyring().remember(envelope.pk, data_key)
    for reader in {reader.pk: reader for reader in readers}.values():
        _seal_to_operator(envelope, data_key, reader)
    for parent_id in dict.fromkeys(parents):
        _seal_under_parent(envelope, data_key, parent_id)
    recovery = RecoveryKey.objects.filter(is_active=True).first()
    if recovery is not None:
        Grant.objects.create(
            envelope=envelope,
            kind=GrantKind.RECOVERY,
            recovery_key=recovery,
            sealed_key=crypto.seal_to(bytes(recovery.public_key), data_key),
        )
    return envelope


def _seal_to_operator(envelope: Envelope, data_key: bytes, reader: OperatorLike) -> Grant | None:
    key = OperatorKey.objects.filter(operator_id=reader.pk).first()
    if key is None:
        return None  # an operator without a keypair (never logged in) cannot be a reader
    grant, _ = Grant.objects.update_or_create(
        envelope=envelope,
        kind=GrantKind.OPERATOR,
        operator_id=reader.pk,
        defaults={"sealed_key": crypto.seal_to(bytes(key.public_key), data_key)},
    )
    return grant


def _seal_under_parent(envelope: Envelope, data_key: bytes, parent_id: uuid.UUID) -> Grant:
    parent_key = _data_key(parent_id)
    return Grant.objects.create(
        envelope=envelope,
        kind=GrantKind.ENVELOPE,
        parent_id=parent_id,
        sealed_key=crypto.aead_encrypt(
            parent_key, data_key, associated_data=parent_grant_label(envelope.pk, parent_id)
        ),
    )


@transaction.atomic
def add_parent_grant(
    envelope_id: uuid.UUID, *, parent_id: uuid.UUID, actor: OperatorLike | None
) -> bool:
    """Let whoever opens the parent envelope open this one too (the current keyring must hold
    both keys), audited; False when the parent opened it already."""
    if Grant.objects.filter(
        envelope_id=envelope_id, kind=GrantKind.ENVELOPE, parent_id=parent_id
    ).exists():
        return False
    envelope = Envelope.objects.get(pk=envelope_id)
    _seal_under_parent(envelope, _data_key(envelope_id), parent_id)
    record_event(
        AuditAction.GRANT_ADDED,
        actor=actor,
        target_type="vault.Envelope",
        target_id=str(envelope_id),
        details={"parent": str(parent_id)},
    )
    return True


@transaction.atomic
def drop_parent_grant(
    envelope_id: uuid.UUID, *, parent_id: uuid.UUID, actor: OperatorLike | None
) -> int:
    """Take away the path from one parent envelope to this one (audited); other grants stay.

    Whoever could open this envelope only through that parent can no longer open it, nor
    anything written to it later. Returns how many grants were dropped (0 or 1).
    """
    deleted, _ = Grant.objects.filter(
        envelope_id=envelope_id, kind=GrantKind.ENVELOPE, parent_id=parent_id
    ).delete()
    record_event(
        AuditAction.GRANT_REVOKED,
        actor=actor,
        target_type="vault.Envelope",
        target_id=str(envelope_id),
        details={"parent": str(parent_id), "grants": deleted},
    )
    return deleted


def can_read(envelope_id: uuid.UUID | None) -> bool:
    """Whether the current keyring can open this envelope (no audit, no exception)."""
    if envelope_id is None:
        return False
    try:
        current_keyring().data_key(envelope_id)
    except VaultError:
        return False
    except crypto.DecryptionError:
        return False
    return True


def readers_of(envelope_id: uuid.UUID) -> list[int]:
    """Operator ids holding a grant for this envelope."""
    return list(
        Grant.objects.filter(envelope_id=envelope_id, kind=GrantKind.OPERATOR).values_list(
            "operator_id", flat=True
        )
    )


def granted_envelopes(reader: OperatorLike) -> set[uuid.UUID]:
    """Envelopes this operator holds a grant for."""
    return set(
        Grant.objects.filter(kind=GrantKind.OPERATOR, operator_id=reader.pk).values_list(
            "envelope_id", flat=True
        )
    )


def share(envelope_id: uuid.UUID, *, reader: OperatorLike, granted_by: OperatorLike | None) -> None:
    """Seal the envelope's key to one more operator; the granter must be able to read it."""
    data_key = _data_key(envelope_id)  # before the transaction: a failure's audit row stays
    with transaction.atomic():
        envelope = Envelope.objects.get(pk=envelope_id)
        if _seal_to_operator(envelope, data_key, reader) is None:
            raise VaultError(gettext("This operator has no key yet: they must log in once first."))
        record_event(
            AuditAction.GRANT_ADDED,
            actor=granted_by,
            target=envelope,
            details={"reader": reader.pk},
        )


@transaction.atomic
def revoke(
    envelope_id: uuid.UUID, *, reader: OperatorLike, revoked_by: OperatorLike | None
) -> None:
    """Drop one operator's grant. What they decrypted before is theirs; nothing new is."""
    deleted, _ = Grant.objects.filter(
        envelope_id=envelope_id, kind=GrantKind.OPERATOR, operator_id=reader.pk
    ).delete()
    record_event(
        AuditAction.GRANT_REVOKED,
        actor=revoked_by,
        target_type="vault.Envelope",
        target_id=str(envelope_id),
        details={"reader": reader.pk, "grants": deleted},
    )


@transaction.atomic
def shred(envelope_id: uuid.UUID, *, actor: OperatorLike | None) -> None:
    """Destroy every grant: the ciphertext stays but no key to it exists any more."""
    deleted, _ = Grant.objects.filter(envelope_id=envelope_id).delete()
    Envelope.objects.filter(pk=envelope_id).update(shredded_at=timezone.now())
    with contextlib.suppress(VaultLocked):
        current_keyring().forget(envelope_id)
    record_event(
        AuditAction.RECORD_DELETED,
        actor=actor,
        target_type="vault.Envelope",
        target_id=str(envelope_id),
        details={"shredded": True, "grants": deleted},
    )
    transaction.on_commit(_checkpoint_sqlite)


def _checkpoint_sqlite() -> None:
    """Fold the WAL back into the database so the deleted grants' pages are overwritten.

    With `secure_delete=ON` SQLite zeroes freed content in the main file, but older page
    images stay in the -wal file until a checkpoint; TRUNCATE empties it.
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def preload(envelope_ids: Iterable[uuid.UUID | None]) -> None:
    """Open the current reader's grants for many envelopes at once, before a list renders."""
    with contextlib.suppress(VaultLocked):
        current_keyring().preload(envelope_ids)


def _data_key(envelope_id: uuid.UUID) -> bytes:
    """The key for writing or sharing; a damaged grant is reported like damaged data."""
    try:
        return current_keyring().data_key(envelope_id)
    except crypto.DecryptionError as error:
        _record_failure(envelope_id, "grant", "corrupted")
        raise UnreadableRecord(envelope_id) from error


def encrypt_bytes(envelope_id: uuid.UUID, plaintext: bytes, *, label: str) -> bytes:
    data_key = _data_key(envelope_id)
    return crypto.aead_encrypt(
        data_key, plaintext, associated_data=_associated_data(envelope_id, label)
    )


def decrypt_bytes(envelope_id: uuid.UUID, ciphertext: bytes, *, label: str) -> bytes:
    """Open a ciphertext of this envelope; raises AccessDenied or UnreadableRecord."""
    keyring = current_keyring()
    try:
        data_key = keyring.data_key(envelope_id)
        return crypto.aead_decrypt(
            data_key, ciphertext, associated_data=_associated_data(envelope_id, label)
        )
    except crypto.DecryptionError as error:
        _record_failure(envelope_id, label, "corrupted")
        raise UnreadableRecord(envelope_id) from error
    except AccessDenied:
        _record_failure(envelope_id, label, "no_grant")
        raise


def _record_failure(envelope_id: uuid.UUID, label: str, reason: str) -> None:
    keyring = current_keyring()
    record_event(
        AuditAction.DECRYPTION_FAILED,
        target_type="vault.Envelope",
        target_id=str(envelope_id),
        details={"field": label[:64], "reason": reason, "reader": keyring.operator_id},
    )
