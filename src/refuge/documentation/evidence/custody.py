"""The chain of custody: one append-only SHA-256 hash chain per evidence file.

Each entry is a canonical line

    previous_hash|sequence|action|actor|at|file_sha256|salt|reference

and its hash is SHA-256 of that line in UTF-8, with no newline. The first entry's previous
hash is 64 zeros. Because every line carries the file's SHA-256, the chain is bound to the
file; because it also carries a random salt sealed in the evidence's envelope, a copy of the
database cannot be used to test whether we hold a known file by recomputing the chain.
Anyone given an export (file, SHA-256, lines) can check it with sha256sum alone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.documentation.choices import CustodyAction
from refuge.documentation.models import CustodyEntry, Evidence

GENESIS = "0" * 64


def canonical_line(entry: CustodyEntry, *, file_sha256: str, salt: str, reference: str) -> str:
    return "|".join(
        [
            entry.previous_hash,
            str(entry.sequence),
            entry.action,
            entry.actor_username,
            entry.at.isoformat(),
            file_sha256,
            salt,
            reference,
        ]
    )


def line_hash(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def append_custody(
    *, evidence: Evidence, action: CustodyAction, actor: Operator, file_sha256: str | None = None
) -> CustodyEntry:
    """Add one entry at the end of the file's chain (call inside the service's transaction)."""
    Evidence.objects.select_for_update().filter(pk=evidence.pk).first()  # serialise appenders
    last = evidence.custody.order_by("-sequence").first()
    entry = CustodyEntry(
        evidence=evidence,
        sequence=(last.sequence + 1) if last else 1,
        action=action,
        actor=actor,
        actor_username=actor.username,
        at=timezone.now().replace(microsecond=0),
        previous_hash=last.entry_hash if last else GENESIS,
    )
    entry.entry_hash = line_hash(
        canonical_line(
            entry,
            file_sha256=file_sha256 or str(evidence.sha256),
            salt=str(evidence.custody_salt),
            reference=evidence.reference,
        )
    )
    entry.save()
    return entry


@dataclass(frozen=True, slots=True)
class CustodyLine:
    entry: CustodyEntry
    line: str
    is_intact: bool


def custody_lines(evidence: Evidence) -> list[CustodyLine]:
    """Each entry with its canonical line, checked against the stored hashes and links."""
    lines: list[CustodyLine] = []
    previous = GENESIS
    for entry in evidence.custody.order_by("sequence"):
        line = canonical_line(
            entry,
            file_sha256=str(evidence.sha256),
            salt=str(evidence.custody_salt),
            reference=evidence.reference,
        )
        intact = entry.previous_hash == previous and line_hash(line) == entry.entry_hash
        lines.append(CustodyLine(entry=entry, line=line, is_intact=intact))
        previous = entry.entry_hash
    return lines
