"""Blind indexes: a keyed HMAC of a normalised phone number, name or handle.

Equal indexes find a repeat caller or a duplicate name without storing the value. The HMAC key
is the data key of one envelope (Purpose.BLIND_INDEX), sealed to every active operator whose
role handles contacts or cases and to the recovery key. Computing an index therefore needs an
unlocked keyring holding that grant; a copy of the database cannot compute or test one.

Grants follow roles lazily: whenever a keyring that holds the key computes an index (at most
once per keyring), operators who became entitled are sealed the key and those who lost the
role or were deactivated lose their grant. accounts.services also calls
`sync_blind_index_grants()` when it creates, resets or changes an operator, so a coordinator's
action takes effect at once.
"""

from __future__ import annotations

import contextlib
import enum
import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.vault import crypto
from refuge.vault.errors import VaultError, VaultLocked
from refuge.vault.keyring import Keyring, current_keyring
from refuge.vault.models import BlindIndexKey, Grant, GrantKind, OperatorKey, Purpose
from refuge.vault.normalise import fold_handle, fold_name, normalise_phone


class IndexKind(enum.StrEnum):
    PHONE = "phone"
    NAME = "name"
    HANDLE = "handle"


_NORMALISERS: dict[IndexKind, Callable[[str], str]] = {
    IndexKind.PHONE: normalise_phone, IndexKind.NAME: fold_name, IndexKind.HANDLE: fold_handle,
}


def normalise(kind: IndexKind | str, value: str) -> str:
    return _NORMALISERS[IndexKind(kind)](value)


def blind_index(kind: IndexKind | str, value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value under the organisation's index key.

    Raises ValueError when nothing is left to index (an empty or letterless value), and
    AccessDenied/VaultLocked when the current keyring does not hold the index key.
    """
    kind = IndexKind(kind)
    normalised = normalise(kind, value)
    if not normalised:
        raise ValueError("Nothing to index in this value.")
    key = _index_key(current_keyring())
    return crypto.keyed_hash(key, f"refuge-blind-index:{kind}\x00{normalised}".encode())


def _index_key(keyring: Keyring) -> bytes:
    envelope_id = keyring.index_envelope_id or _index_envelope_id(keyring)
    keyring.index_envelope_id = envelope_id
    key = keyring.data_key(envelope_id)
    if not keyring.index_grants_synced:
        _sync_grants(envelope_id, key, actor_id=keyring.operator_id)
        keyring.index_grants_synced = True
    return key


def _index_envelope_id(keyring: Keyring) -> uuid.UUID:
    existing = BlindIndexKey.objects.filter(name="default").values_list("envelope_id", flat=True)
    if existing:
        return existing[0]
    if keyring.private_key is None:
        raise VaultLocked("Only a logged-in operator can create the blind index key.")
    readers = _entitled()
    if not readers:
        raise VaultError("No active operator handles contacts or cases to hold the index key.")
    from refuge.vault.envelopes import create_envelope

    try:
        with transaction.atomic():
            envelope = create_envelope(purpose=Purpose.BLIND_INDEX, readers=readers)
            BlindIndexKey.objects.create(name="default", envelope=envelope)
    except IntegrityError:  # another request created it first: use theirs
        return BlindIndexKey.objects.get(name="default").envelope_id
    return envelope.pk


def _entitled() -> list[Any]:
    from refuge.accounts.models import Operator
    from refuge.accounts.roles import ROLE_CAPABILITIES, Capability

    needs = {Capability.HANDLE_CONTACTS, Capability.MANAGE_CASES}
    roles = [role for role, capabilities in ROLE_CAPABILITIES.items() if needs & capabilities]
    return list(Operator.objects.filter(is_active=True, role__in=roles, vault_key__isnull=False))


@transaction.atomic
def _sync_grants(envelope_id: uuid.UUID, data_key: bytes, *, actor_id: int | None) -> None:
    entitled = {operator.pk for operator in _entitled()}
    granted = set(Grant.objects.filter(envelope_id=envelope_id, kind=GrantKind.OPERATOR)
                  .values_list("operator_id", flat=True))
    for key in OperatorKey.objects.filter(operator_id__in=entitled - granted):
        Grant.objects.create(envelope_id=envelope_id, kind=GrantKind.OPERATOR,
                             operator_id=key.operator_id,
                             sealed_key=crypto.seal_to(bytes(key.public_key), data_key))
        record_event(AuditAction.GRANT_ADDED, target_type="vault.Envelope",
                     target_id=str(envelope_id),
                     details={"reader": key.operator_id, "by": actor_id, "index_key": True})
    for operator_id in granted - entitled:
        Grant.objects.filter(envelope_id=envelope_id, kind=GrantKind.OPERATOR,
                             operator_id=operator_id).delete()
        record_event(AuditAction.GRANT_REVOKED, target_type="vault.Envelope",
                     target_id=str(envelope_id),
                     details={"reader": operator_id, "by": actor_id, "index_key": True})


def sync_blind_index_grants() -> bool:
    """Bring the index key's grants in line with roles now, if the current keyring holds it.

    Returns False (and changes nothing) when it does not: the next holder to compute an index
    does it then. Never creates the key.
    """
    with contextlib.suppress(VaultLocked):
        keyring = current_keyring()
        envelope_id = BlindIndexKey.objects.filter(name="default").values_list(
            "envelope_id", flat=True).first()
        if envelope_id is None:
            return False
        try:
            key = keyring.data_key(envelope_id)
        except (VaultError, crypto.DecryptionError):
            return False
        _sync_grants(envelope_id, key, actor_id=keyring.operator_id)
        keyring.index_grants_synced = True
        return True
    return False
