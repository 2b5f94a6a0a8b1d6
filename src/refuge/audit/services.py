"""The one door to the audit log."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from refuge.audit.models import AuditAction, AuditEvent, AuditHead
from refuge.core.keys import derived_key
from refuge.core.operators import OperatorLike

GENESIS_HASH = "0" * 64
DetailValue = str | int | bool | None


def _chain_key() -> bytes:
    # Keyed so that someone holding only a copy of the database cannot forge a valid chain.
    return derived_key("audit-chain")


def _entry_digest(*, previous_hash: str, fields: Mapping[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    message = previous_hash.encode() + b"\n" + payload.encode()
    return hmac.new(_chain_key(), message, hashlib.sha256).hexdigest()


def _fields_of(event: AuditEvent) -> dict[str, Any]:
    return {
        "sequence": event.sequence,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "details": event.details,
    }


def _check_details(details: Mapping[str, DetailValue]) -> dict[str, DetailValue]:
    for key, value in details.items():
        if not isinstance(value, str | int | bool | type(None)):
            raise TypeError(f"audit detail {key!r} must be a code or a number")
        if isinstance(value, str) and len(value) > 64:
            raise ValueError(f"audit detail {key!r} is too long to be a code")
    return dict(details)


def record_event(
    action: AuditAction,
    *,
    actor: OperatorLike | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    details: Mapping[str, DetailValue] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction when there is one."""
    if target is not None:
        target_type = target._meta.label
        target_id = target.pk
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    if getattr(actor, "is_duress", False):  # a duress session: the coerced account, marked
        actor_id = getattr(actor, "duress_of", None)
        details = {**(details or {}), "duress": True}
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            sequence=head.sequence + 1,
            created_at=timezone.now(),
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            details=_check_details(details or {}),
            previous_hash=head.entry_hash,
        )
        event.entry_hash = _entry_digest(previous_hash=head.entry_hash, fields=_fields_of(event))
        event.save()
        head.sequence = event.sequence
        head.entry_hash = event.entry_hash
        head.save(update_fields=["sequence", "entry_hash"])
    return event


@dataclass(frozen=True, slots=True)
class ChainProblem:
    sequence: int
    problem: str


def verify_chain(events: Iterable[AuditEvent] | None = None) -> list[ChainProblem]:
    """Walk the whole log in order; report every break (edited, inserted, deleted entries)."""
    if events is None:
        events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=2000)
    problems: list[ChainProblem] = []
    previous_hash = GENESIS_HASH
    expected_sequence = 1
    for event in events:
        if event.sequence != expected_sequence:
            problems.append(ChainProblem(event.sequence, f"expected entry {expected_sequence}"))
        if event.previous_hash != previous_hash:
            problems.append(ChainProblem(event.sequence, "does not follow the previous entry"))
        recomputed = _entry_digest(previous_hash=event.previous_hash, fields=_fields_of(event))
        if not hmac.compare_digest(recomputed, event.entry_hash):
            problems.append(ChainProblem(event.sequence, "content does not match its hash"))
        previous_hash = event.entry_hash
        expected_sequence = event.sequence + 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (
        head.sequence != expected_sequence - 1 or head.entry_hash != previous_hash
    ):
        problems.append(ChainProblem(head.sequence, "the newest entries are missing"))
    return problems
