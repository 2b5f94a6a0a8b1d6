"""Signed audit heads, shipped off the server, so that an insider cannot roll the log back.

The hash chain (audit.services) shows an edited or removed entry, unless whoever removed the
newest entries also rewound the head row: then the shortened log is a valid chain. A *signed
head* (the newest entry's number and hash, signed with the installation's Ed25519 key) written
to a witness outside the server (`REFUGE_AUDIT_WITNESS_DIR`, and optionally the coordinators'
e-mail) remembers how far the log had reached; `refuge audit verify --against` compares the
database with it and names a truncated tail or a rewritten entry.

This module holds no key: the caller passes `sign` and `verify` (the vault's), which keeps the
audit app below the vault. `refuge audit ship` (and a future worker's schedule) call
`ship_head`.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.core.mail import send_mail
from django.utils import timezone

from refuge.audit.models import AuditEvent, AuditHead
from refuge.audit.services import GENESIS_HASH
from refuge.core.durable import write_atomically

HEAD_PURPOSE = "refuge-audit-head/1"
FILE_PREFIX = "audit-head-"
Signer = Callable[[str, bytes], tuple[bytes, bytes]]  # (purpose, message) -> (key, signature)
Verifier = Callable[[str, bytes, bytes, bytes], bool]  # purpose, message, key, signature


class WitnessError(ValueError):
    """A signed head that cannot be read, or a witness that cannot be written."""


@dataclass(frozen=True, slots=True)
class SignedHead:
    sequence: int
    entry_hash: str
    signed_at: str  # ISO 8601, UTC
    public_key: bytes
    signature: bytes

    def statement(self) -> bytes:
        return f"{self.sequence}\n{self.entry_hash}\n{self.signed_at}".encode("ascii")

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "format": HEAD_PURPOSE,
                    "sequence": self.sequence,
                    "entry_hash": self.entry_hash,
                    "signed_at": self.signed_at,
                    "public_key": base64.b64encode(self.public_key).decode(),
                    "signature": base64.b64encode(self.signature).decode(),
                },
                indent=2,
            )
            + "\n"
        )

    @classmethod
    def from_json(cls, text: str) -> SignedHead:
        try:
            data = json.loads(text)
            if data.get("format") != HEAD_PURPOSE:
                raise WitnessError("not a signed Refuge audit head")
            return cls(
                sequence=int(data["sequence"]),
                entry_hash=str(data["entry_hash"]),
                signed_at=str(data["signed_at"]),
                public_key=base64.b64decode(data["public_key"], validate=True),
                signature=base64.b64decode(data["signature"], validate=True),
            )
        except (ValueError, KeyError, TypeError, AttributeError, binascii.Error) as error:
            if isinstance(error, WitnessError):
                raise
            raise WitnessError("the signed head is not readable (damaged or not one)") from error

    @property
    def file_name(self) -> str:
        stamp = self.signed_at.replace(":", "").replace("-", "").split(".")[0]
        return f"{FILE_PREFIX}{self.sequence:012d}-{stamp}.json"


@dataclass(frozen=True, slots=True)
class ShippedHead:
    head: SignedHead
    path: Path | None
    mailed_to: int


def current_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.sequence, head.entry_hash) if head else (0, GENESIS_HASH)


def sign_head(*, sign: Signer, now: datetime | None = None) -> SignedHead:
    sequence, entry_hash = current_head()
    signed_at = (now or timezone.now()).astimezone(UTC).isoformat()
    unsigned = SignedHead(sequence, entry_hash, signed_at, b"", b"")
    public_key, signature = sign(HEAD_PURPOSE, unsigned.statement())
    return SignedHead(sequence, entry_hash, signed_at, public_key, signature)


def ship_head(*, sign: Signer, witness_dir: str, recipients: Sequence[str] = ()) -> ShippedHead:
    """Sign the current head; write it to the witness directory and mail it to recipients."""
    head = sign_head(sign=sign)
    path = _write_head(Path(witness_dir), head) if witness_dir else None
    if recipients:
        send_mail(
            subject=f"Refuge audit head {head.sequence}",
            message="The audit log's newest entry, signed by this installation. Keep "
            "this message: `refuge audit verify --against` compares the log "
            "with it.\n\n" + head.to_json(),
            from_email=None,
            recipient_list=list(recipients),
        )
    return ShippedHead(head=head, path=path, mailed_to=len(recipients))


def _write_head(directory: Path, head: SignedHead) -> Path:
    if not directory.is_dir():
        raise WitnessError(f"the witness directory {directory} does not exist")
    target = directory / head.file_name
    write_atomically(target, head.to_json().encode("ascii"), mode=0o644)  # public: nothing secret
    return target


def read_heads(directory: Path) -> list[SignedHead]:
    heads = []
    for path in sorted(directory.glob(f"{FILE_PREFIX}*.json")):
        heads.append(SignedHead.from_json(path.read_text(encoding="utf-8")))
    return heads


def newest_head(heads: Sequence[SignedHead]) -> SignedHead | None:
    return max(heads, key=lambda head: (head.sequence, head.signed_at), default=None)


def check_against(
    head: SignedHead,
    *,
    verify: Verifier,
    installation_key: bytes,
    fingerprint: Callable[[bytes], str],
) -> list[str]:
    """What is wrong with the log compared with a signed head; [] when the log reaches it."""
    if not verify(HEAD_PURPOSE, head.statement(), head.public_key, head.signature):
        return [
            "The signed head does not verify: it was changed, or not signed by a Refuge "
            "installation's key. It proves nothing."
        ]
    if head.public_key != installation_key:
        return [
            f"The head was signed by key {fingerprint(head.public_key)}; this "
            f"installation's key is {fingerprint(installation_key)}."
        ]
    newest = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    newest = newest or 0
    if newest < head.sequence:
        return [
            f"The audit log was truncated: the witness saw entry {head.sequence} (signed "
            f"{head.signed_at}), the database ends at entry {newest}; "
            f"{head.sequence - newest} newest entries are missing."
        ]
    if head.sequence == 0:
        return []
    seen = (
        AuditEvent.objects.filter(sequence=head.sequence)
        .values_list("entry_hash", flat=True)
        .first()
    )
    if seen != head.entry_hash:
        return [
            f"Entry {head.sequence} is not the one the witness saw (signed "
            f"{head.signed_at}): the log was rewritten up to there."
        ]
    return []
