"""Blind indexes: a slow, memory-hard keyed hash of a normalised phone number, name or handle.

Equal indexes find a repeat caller or a duplicate name without storing the value. The key is
the data key of one envelope (Purpose.BLIND_INDEX), sealed to every active operator whose role
holds Capability.MATCH_IDENTIFIERS and to the recovery key. Computing an index therefore needs
an unlocked keyring holding that grant; a copy of the database alone can neither compute nor
test one.

Phone numbers and names are low-entropy: all Russian mobile numbers are 10^9 values. With one
HMAC per index (the former scheme), one coerced operator's password plus the database
gave the key, and then every indexed mobile number in about 0.4 core-hours. So an index is now
Argon2id of HMAC(key, kind + value), salted by the key (the CipherSweet approach; `IndexScheme`
and crypto.slow_keyed_hash): each guess costs one Argon2id run of
REFUGE_BLIND_INDEX_MEMORY_KIB (64 MiB) and REFUGE_BLIND_INDEX_ITERATIONS (2), about 80 ms of a
core here, so the same search takes tens of thousands of core-hours (`make bench BENCH=vault`
measures both; docs/threat-model.md has the figures). The scheme and cost are stored with the
key (BlindIndexKey); a key made under the former scheme keeps it until `refuge reindex`
(vault.reindex) re-indexes everything under a new Argon2id key.

Within one request each (kind, value) is computed once (Keyring.index_memo).

Grants follow roles lazily: whenever a keyring that holds the key computes an index (at most
once per keyring), operators who became entitled are sealed the key and those who lost the
capability or were deactivated lose their grant (who is entitled is accounts' answer, registered
with `register_index_readers`, since the vault is below accounts). accounts.services also calls
`sync_blind_index_grants()` when it creates, resets or changes an operator, so a coordinator's
action takes effect at once.
"""

from __future__ import annotations

import contextlib
import enum
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.operators import OperatorLike
from refuge.vault import crypto
from refuge.vault.errors import VaultError, VaultLocked
from refuge.vault.keyring import Keyring, current_keyring
from refuge.vault.models import BlindIndexKey, Grant, GrantKind, IndexScheme, OperatorKey, Purpose
from refuge.vault.normalise import fold_handle, fold_name, normalise_phone

# OWASP's Argon2id rows trade memory for passes at equal cost; below m=19 MiB, t=2 a guess is
# cheap enough that production refuses the setting (config/settings/prod.py).
MINIMUM_INDEX_MEMORY_KIB = 19_456
MINIMUM_INDEX_COST = 19_456 * 2  # memory (KiB) x iterations


class IndexKind(enum.StrEnum):
    PHONE = "phone"
    NAME = "name"
    HANDLE = "handle"


_NORMALISERS: dict[IndexKind, Callable[[str], str]] = {
    IndexKind.PHONE: normalise_phone,
    IndexKind.NAME: fold_name,
    IndexKind.HANDLE: fold_handle,
}


@dataclass(frozen=True, slots=True)
class IndexKey:
    """The index key and how indexes are made with it."""

    envelope_id: uuid.UUID | None  # None while a re-index computes with a key not yet stored
    key: bytes = field(repr=False)
    scheme: IndexScheme = IndexScheme.ARGON2ID
    memory_kib: int = 0
    iterations: int = 0


def normalise(kind: IndexKind | str, value: str) -> str:
    return _NORMALISERS[IndexKind(kind)](value)


def blind_index(kind: IndexKind | str, value: str) -> str:
    """The index (hex, 64 characters) of the normalised value under the organisation's key.

    Raises ValueError when nothing is left to index (an empty or letterless value), and
    AccessDenied/VaultLocked when the current keyring does not hold the index key.
    """
    kind = IndexKind(kind)
    normalised = normalise(kind, value)
    if not normalised:
        raise ValueError("Nothing to index in this value.")
    keyring = current_keyring()
    remembered = keyring.index_memo.get((kind.value, normalised))
    if remembered is not None:
        return remembered
    index = compute_index(_index_key(keyring), kind, normalised)
    keyring.index_memo[(kind.value, normalised)] = index
    return index


def compute_index(index_key: IndexKey, kind: IndexKind, normalised: str) -> str:
    """One index of an already normalised value (the attacker's inner loop, too: bench)."""
    message = f"refuge-blind-index:{kind}\x00{normalised}".encode()
    if index_key.scheme == IndexScheme.HMAC_SHA256:
        return crypto.keyed_hash(index_key.key, message)
    return crypto.slow_keyed_hash(
        index_key.key, message, memory_kib=index_key.memory_kib, iterations=index_key.iterations
    )


def configured_parameters() -> tuple[int, int]:
    """(memory KiB, iterations) that new index keys get, from settings.

    Refuses a cost below the minimum unless the settings allow weak key derivation (tests).
    """
    memory_kib = settings.VAULT_BLIND_INDEX_MEMORY_KIB
    iterations = settings.VAULT_BLIND_INDEX_ITERATIONS
    too_cheap = (
        memory_kib < MINIMUM_INDEX_MEMORY_KIB or memory_kib * iterations < MINIMUM_INDEX_COST
    )
    if too_cheap and not settings.VAULT_ALLOW_WEAK_KDF:
        raise ImproperlyConfigured(
            "REFUGE_BLIND_INDEX_MEMORY_KIB / REFUGE_BLIND_INDEX_ITERATIONS are below the "
            "minimum cost of a blind index."
        )
    return memory_kib, iterations


def index_key_of(row: BlindIndexKey, key: bytes) -> IndexKey:
    return IndexKey(
        envelope_id=row.envelope_id,
        key=key,
        scheme=IndexScheme(row.scheme),
        memory_kib=row.memory_kib,
        iterations=row.iterations,
    )


def _index_key(keyring: Keyring) -> IndexKey:
    if isinstance(keyring.index_key, IndexKey):
        return keyring.index_key
    row = _index_key_row(keyring)
    key = keyring.data_key(row.envelope_id)
    if not keyring.index_grants_synced:
        _sync_grants(row.envelope_id, key, actor_id=keyring.operator_id)
        keyring.index_grants_synced = True
    index_key = index_key_of(row, key)
    keyring.index_key = index_key
    return index_key


def _index_key_row(keyring: Keyring) -> BlindIndexKey:
    existing = BlindIndexKey.objects.filter(name="default").first()
    if existing is not None:
        return existing
    if keyring.private_key is None:
        raise VaultLocked("Only a logged-in operator can create the blind index key.")
    readers = entitled_operators()
    if not readers:
        raise VaultError("No active operator matches identifiers to hold the index key.")
    from refuge.vault.envelopes import create_envelope

    memory_kib, iterations = configured_parameters()
    try:
        with transaction.atomic():
            envelope = create_envelope(purpose=Purpose.BLIND_INDEX, readers=readers)
            return BlindIndexKey.objects.create(
                name="default",
                envelope=envelope,
                scheme=IndexScheme.ARGON2ID,
                memory_kib=memory_kib,
                iterations=iterations,
            )
    except IntegrityError:  # another request created it first: use theirs
        return BlindIndexKey.objects.get(name="default")


IndexReaders = Callable[[], Sequence[OperatorLike]]
_index_readers: list[IndexReaders] = []


def register_index_readers(provider: IndexReaders) -> None:
    """Say who may hold the index key. The vault is below accounts, so accounts registers the
    answer (active operators with a keypair whose role matches identifiers) when it starts."""
    _index_readers[:] = [provider]


def entitled_operators() -> list[OperatorLike]:
    """The operators the index key is sealed to, as the registered provider says."""
    if not _index_readers:
        raise ImproperlyConfigured("No provider of the blind-index key's readers is registered.")
    return list(_index_readers[0]())


@transaction.atomic
def _sync_grants(envelope_id: uuid.UUID, data_key: bytes, *, actor_id: int | None) -> None:
    entitled = {operator.pk for operator in entitled_operators()}
    granted = set(
        Grant.objects.filter(envelope_id=envelope_id, kind=GrantKind.OPERATOR).values_list(
            "operator_id", flat=True
        )
    )
    for key in OperatorKey.objects.filter(operator_id__in=entitled - granted):
        Grant.objects.create(
            envelope_id=envelope_id,
            kind=GrantKind.OPERATOR,
            operator_id=key.operator_id,
            sealed_key=crypto.seal_to(bytes(key.public_key), data_key),
        )
        record_event(
            AuditAction.GRANT_ADDED,
            target_type="vault.Envelope",
            target_id=str(envelope_id),
            details={"reader": key.operator_id, "by": actor_id, "index_key": True},
        )
    for operator_id in granted - entitled:
        Grant.objects.filter(
            envelope_id=envelope_id, kind=GrantKind.OPERATOR, operator_id=operator_id
        ).delete()
        record_event(
            AuditAction.GRANT_REVOKED,
            target_type="vault.Envelope",
            target_id=str(envelope_id),
            details={"reader": operator_id, "by": actor_id, "index_key": True},
        )


def sync_blind_index_grants() -> bool:
    """Bring the index key's grants in line with roles now, if the current keyring holds it.

    Returns False (and changes nothing) when it does not: the next holder to compute an index
    does it then. Never creates the key.
    """
    with contextlib.suppress(VaultLocked):
        keyring = current_keyring()
        envelope_id = (
            BlindIndexKey.objects.filter(name="default")
            .values_list("envelope_id", flat=True)
            .first()
        )
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
