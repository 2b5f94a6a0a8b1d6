"""The organisation's recovery key: created at setup, printed as Shamir shares, never stored.

Only the public half rests in the database. `refuge recover` rebuilds the private half in
memory from k printed shares and re-seals every envelope's data key to a named coordinator.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.db import transaction

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.operators import OperatorLike
from refuge.vault import crypto, shamir
from refuge.vault.errors import VaultError
from refuge.vault.models import Grant, GrantKind, OperatorKey, RecoveryKey

SHARE_PREFIX = "RFG1"


class ShareError(VaultError):
    """A printed share is mistyped, from another installation, or there are too few."""


class TooFewShares(ShareError):
    """Fewer distinct shares than the threshold."""


@dataclass(frozen=True, slots=True)
class RecoverySetup:
    fingerprint: str
    threshold: int
    shares: list[str]

    def __repr__(self) -> str:
        return f"RecoverySetup(fingerprint={self.fingerprint}, shares=<{len(self.shares)}>)"


@dataclass(frozen=True, slots=True)
class DecodedShare:
    fingerprint: str
    threshold: int
    x: int
    y: bytes

    def __repr__(self) -> str:
        return f"DecodedShare(fingerprint={self.fingerprint}, x={self.x})"


def _fingerprint(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def _checksum(fingerprint: str, threshold: int, x: int, body: str) -> str:
    return hashlib.sha256(f"{fingerprint}{threshold}{x}{body}".encode()).hexdigest()[:4]


def _encode_share(fingerprint: str, threshold: int, x: int, y: bytes) -> str:
    body = base64.b32encode(y).decode().rstrip("=")
    groups = " ".join(body[i : i + 4] for i in range(0, len(body), 4))
    return (
        f"{SHARE_PREFIX}-{fingerprint}-{threshold}-{x} {groups} "
        f"{_checksum(fingerprint, threshold, x, body)}"
    )


def decode_share(text: str) -> DecodedShare:
    """Parse a printed share. Raises ShareError naming the share's number, never its value."""
    parts = text.strip().split()
    try:
        prefix, fingerprint, threshold_text, x_text = parts[0].split("-")
        body, check = "".join(parts[1:-1]).upper(), parts[-1]
        threshold, x = int(threshold_text), int(x_text)
    except (ValueError, IndexError) as error:
        raise ShareError(
            "A recovery share is malformed: it must look like "
            f"'{SHARE_PREFIX}-<fingerprint>-<k>-<n> <groups of four letters> "
            "<check>'."
        ) from error
    if prefix.upper() != SHARE_PREFIX or not body:
        raise ShareError(
            f"A recovery share is malformed: it does not start with '{SHARE_PREFIX}-'."
        )
    expected = _checksum(fingerprint.lower(), threshold, x, body)
    if not crypto.constant_time_equal(expected, check.lower()):
        raise ShareError(f"Recovery share {x} has a typing mistake (its checksum does not match).")
    try:
        y = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError) as error:
        raise ShareError(f"Recovery share {x} has a typing mistake.") from error
    if not 1 <= x <= 255 or len(y) != crypto.KEY_BYTES:
        raise ShareError(f"Recovery share {x} has a typing mistake (wrong length or number).")
    return DecodedShare(fingerprint=fingerprint.lower(), threshold=threshold, x=x, y=y)


def active_recovery_key() -> RecoveryKey | None:
    return RecoveryKey.objects.filter(is_active=True).first()


@transaction.atomic
def create_recovery_key(*, threshold: int, shares: int) -> RecoverySetup:
    """Make the organisation's recovery keypair; return its private half as shares only."""
    if not 2 <= threshold <= shares <= 255:
        raise VaultError("Recovery needs 2 <= threshold <= shares <= 255.")
    if RecoveryKey.objects.filter(is_active=True).exists():
        raise VaultError("This installation already has a recovery key.")
    private_key, public_key = crypto.new_keypair()
    fingerprint = _fingerprint(public_key)
    RecoveryKey.objects.create(
        public_key=public_key, threshold=threshold, share_count=shares, fingerprint=fingerprint
    )
    points = shamir.split(private_key, threshold=threshold, shares=shares)
    return RecoverySetup(
        fingerprint=fingerprint,
        threshold=threshold,
        shares=[_encode_share(fingerprint, threshold, x, y) for x, y in points],
    )


def recover_private_key(share_texts: list[str]) -> bytes:
    """Rebuild the recovery private key from printed shares; check it against the stored key.

    The key is returned to the caller's memory only; nothing here writes it anywhere.
    """
    recovery = active_recovery_key()
    if recovery is None:
        raise VaultError("This installation has no recovery key (run `refuge setup`).")
    decoded = [decode_share(text) for text in share_texts]
    for share in decoded:
        if RecoveryKey.objects.filter(fingerprint=share.fingerprint, is_active=False).exists():
            raise ShareError(
                f"Recovery share {share.x} belongs to a retired recovery key "
                f"({share.fingerprint}); this installation now uses {recovery.fingerprint}."
            )
        if share.fingerprint != recovery.fingerprint or share.threshold != recovery.threshold:
            raise ShareError(
                f"Recovery share {share.x} belongs to another installation's recovery key "
                f"({share.fingerprint}); this one is {recovery.fingerprint}."
            )
    points = {share.x: share.y for share in decoded}
    if len(points) < recovery.threshold:
        raise TooFewShares(
            f"{len(points)} distinct share(s) given; {recovery.threshold} of "
            f"{recovery.share_count} are needed."
        )
    private_key = shamir.combine(list(points.items()))
    if not crypto.constant_time_equal(
        crypto.public_from_private(private_key), bytes(recovery.public_key)
    ):
        raise ShareError("These shares do not rebuild the recovery key: one is mistyped.")
    return private_key


@dataclass(frozen=True, slots=True)
class Resealed:
    """What a recovery pass did: how many envelopes it re-sealed, and which it could not."""

    count: int
    skipped: list[uuid.UUID] = field(default_factory=list)  # their recovery grant is damaged


def _open_recovery_grants(
    grants: Iterable[Grant],
    recovery_private_key: bytes,
) -> Iterator[tuple[Grant, bytes | None]]:
    """Each grant with its data key, or None where the grant does not open (corrupted):
    one damaged grant must not stop the recovery of every other envelope."""
    for grant in grants:
        try:
            yield grant, crypto.open_sealed(recovery_private_key, bytes(grant.sealed_key))
        except crypto.DecryptionError:
            yield grant, None


@transaction.atomic
def restore_access(*, operator: OperatorLike, recovery_private_key: bytes) -> Resealed:
    """Seal every envelope the recovery key can open to this operator.

    Shredded envelopes have no grant left, so they stay unreadable to everyone. A recovery
    grant that does not open is skipped, named in the result and counted in the audit event.
    """
    recovery = active_recovery_key()
    key = OperatorKey.objects.filter(operator_id=operator.pk).first()
    if recovery is None or key is None:
        raise VaultError("This operator has no key yet: they must log in once first.")
    public_key = bytes(key.public_key)
    restored, skipped = 0, []
    grants = Grant.objects.filter(
        kind=GrantKind.RECOVERY, recovery_key=recovery, envelope__shredded_at__isnull=True
    )
    for grant, data_key in _open_recovery_grants(grants.iterator(), recovery_private_key):
        if data_key is None:
            skipped.append(grant.envelope_id)
            continue
        Grant.objects.update_or_create(
            envelope_id=grant.envelope_id,
            kind=GrantKind.OPERATOR,
            operator_id=operator.pk,
            defaults={"sealed_key": crypto.seal_to(public_key, data_key)},
        )
        restored += 1
    record_event(
        AuditAction.RECOVERY_USED,
        actor=None,
        target=operator,  # type: ignore[arg-type]
        details={
            "envelopes": restored,
            "skipped": len(skipped),
            "recovery_key": recovery.fingerprint,
        },
    )
    return Resealed(count=restored, skipped=skipped)


@transaction.atomic
def rotate_recovery_key(
    *, recovery_private_key: bytes, threshold: int, shares: int
) -> tuple[RecoverySetup, Resealed]:
    """Replace the recovery key: re-seal every recovery grant to a new key, retire the old one.

    Returns the new key's shares (printed once, like at setup) and what was re-sealed. Once
    the trustees destroy the old shares, the recovery grants in older backups are useless. A
    grant that does not open stays with the retired key (nothing could open it anyway) and is
    named in the result.
    """
    old = RecoveryKey.objects.select_for_update().filter(is_active=True).first()
    if old is None:
        raise VaultError("This installation has no recovery key (run `refuge setup`).")
    if not 2 <= threshold <= shares <= 255:
        raise VaultError("Recovery needs 2 <= threshold <= shares <= 255.")
    private_key, public_key = crypto.new_keypair()
    fingerprint = _fingerprint(public_key)
    RecoveryKey.objects.filter(pk=old.pk).update(is_active=False)
    new = RecoveryKey.objects.create(
        public_key=public_key, threshold=threshold, share_count=shares, fingerprint=fingerprint
    )
    resealed, skipped = 0, []
    grants = Grant.objects.filter(kind=GrantKind.RECOVERY, recovery_key=old).iterator()
    for grant, data_key in _open_recovery_grants(grants, recovery_private_key):
        if data_key is None:
            skipped.append(grant.envelope_id)
            continue
        Grant.objects.filter(pk=grant.pk).update(
            recovery_key=new, sealed_key=crypto.seal_to(public_key, data_key)
        )
        resealed += 1
    record_event(
        AuditAction.RECOVERY_USED,
        target_type="vault.RecoveryKey",
        target_id=new.pk,
        details={
            "rotated_from": old.fingerprint,
            "rotated_to": fingerprint,
            "envelopes": resealed,
            "skipped": len(skipped),
        },
    )
    points = shamir.split(private_key, threshold=threshold, shares=shares)
    setup = RecoverySetup(
        fingerprint=fingerprint,
        threshold=threshold,
        shares=[_encode_share(fingerprint, threshold, x, y) for x, y in points],
    )
    return setup, Resealed(count=resealed, skipped=skipped)


def report_skipped(stream: TextIO | Any, skipped: list[uuid.UUID]) -> None:
    """Name, for the person running a recovery command, the envelopes it had to skip."""
    if not skipped:
        return
    stream.write(
        f"{len(skipped)} envelope(s) skipped: their recovery grant is damaged and "
        "does not open (the others were done). Envelope ids:"
    )
    for envelope_id in skipped:
        stream.write(f"  {envelope_id}")
