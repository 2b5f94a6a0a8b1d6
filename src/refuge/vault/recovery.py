"""The organisation's recovery key: created at setup, printed as Shamir shares, never stored."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction

from refuge.vault import crypto, shamir
from refuge.vault.errors import VaultError
from refuge.vault.models import RecoveryKey

SHARE_PREFIX = "RFG1"


@dataclass(frozen=True, slots=True)
class RecoverySetup:
    fingerprint: str
    threshold: int
    shares: list[str]

    def __repr__(self) -> str:
        return f"RecoverySetup(fingerprint={self.fingerprint}, shares=<{len(self.shares)}>)"


def _fingerprint(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def _encode_share(fingerprint: str, threshold: int, x: int, y: bytes) -> str:
    body = base64.b32encode(y).decode().rstrip("=")
    check = hashlib.sha256(f"{fingerprint}{threshold}{x}{body}".encode()).hexdigest()[:4]
    groups = " ".join(body[i:i + 4] for i in range(0, len(body), 4))
    return f"{SHARE_PREFIX}-{fingerprint}-{threshold}-{x} {groups} {check}"


def decode_share(text: str) -> tuple[str, int, int, bytes]:
    """Parse a printed share: (fingerprint, threshold, x, y). Raises VaultError when mistyped."""
    parts = text.strip().split()
    try:
        prefix, fingerprint, threshold_text, x_text = parts[0].split("-")
        body, check = "".join(parts[1:-1]).upper(), parts[-1]
        threshold, x = int(threshold_text), int(x_text)
    except (ValueError, IndexError) as error:
        raise VaultError("This recovery share is malformed.") from error
    expected = hashlib.sha256(f"{fingerprint}{threshold}{x}{body}".encode()).hexdigest()[:4]
    if prefix != SHARE_PREFIX or not crypto.constant_time_equal(expected, check.lower()):
        raise VaultError(f"Recovery share {x} has a typing mistake (checksum does not match).")
    padding = "=" * (-len(body) % 8)
    return fingerprint, threshold, x, base64.b32decode(body + padding)


@transaction.atomic
def create_recovery_key(*, threshold: int, shares: int) -> RecoverySetup:
    """Make the organisation's recovery keypair; return its private half as shares only."""
    if RecoveryKey.objects.filter(is_active=True).exists():
        raise VaultError("This installation already has a recovery key.")
    private_key, public_key = crypto.new_keypair()
    fingerprint = _fingerprint(public_key)
    RecoveryKey.objects.create(public_key=public_key, threshold=threshold, share_count=shares,
                               fingerprint=fingerprint)
    points = shamir.split(private_key, threshold=threshold, shares=shares)
    return RecoverySetup(
        fingerprint=fingerprint, threshold=threshold,
        shares=[_encode_share(fingerprint, threshold, x, y) for x, y in points],
    )


def recover_private_key(share_texts: list[str]) -> bytes:
    """Rebuild the recovery private key from printed shares; check it against the stored key."""
    recovery = RecoveryKey.objects.filter(is_active=True).first()
    if recovery is None:
        raise VaultError("This installation has no recovery key.")
    decoded = [decode_share(text) for text in share_texts]
    if any(fingerprint != recovery.fingerprint for fingerprint, _, _, _ in decoded):
        raise VaultError("A share belongs to another installation's recovery key.")
    points = {x: y for _, _, x, y in decoded}
    if len(points) < recovery.threshold:
        raise VaultError(
            f"{len(points)} distinct share(s) given; {recovery.threshold} are needed."
        )
    private_key = shamir.combine(list(points.items()))
    if not crypto.constant_time_equal(crypto.public_from_private(private_key),
                                      bytes(recovery.public_key)):
        raise VaultError("These shares do not rebuild the recovery key.")
    return private_key
