"""Add, open and export evidence files."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.approvals.errors import CannotRead
from refuge.approvals.models import PendingAction
from refuge.approvals.services import request_action
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.documentation.choices import CustodyAction, DestructionReason
from refuge.documentation.destruction import DESTROY_EVIDENCE
from refuge.documentation.errors import EvidenceDamaged, EvidenceDestroyed, EvidenceTooLarge
from refuge.documentation.evidence.custody import append_custody
from refuge.documentation.keys import evidence_digest_key
from refuge.documentation.models import Event, Evidence, EvidenceLink
from refuge.documentation.permissions import team_readers
from refuge.documentation.services.common import assign_reference, provisional_reference
from refuge.vault import api as vault

CONTENT_LABEL = "documentation.Evidence.content"
EVIDENCE_AREA = "evidence"  # MEDIA_ROOT/evidence/, in the vault's file store


@dataclass(frozen=True, slots=True)
class EvidenceAdded:
    evidence: Evidence
    is_duplicate: bool


def _link(evidence: Evidence, event: Event, actor: Operator) -> None:
    EvidenceLink.objects.get_or_create(
        evidence=evidence, event=event, defaults={"linked_by": actor}
    )


@transaction.atomic
def add_evidence(
    *, actor: Operator, event: Event, content: bytes, file_name: str, description: str = ""
) -> EvidenceAdded:
    """Hash on arrival; a file already held is linked to the event, never stored twice."""
    require(actor, Capability.DOCUMENT)
    limit = settings.DOCUMENTATION_MAX_EVIDENCE_BYTES
    if len(content) > limit:
        raise EvidenceTooLarge(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
        )
    file_sha256 = hashlib.sha256(content).hexdigest()
    digest_key = evidence_digest_key(file_sha256)
    held = Evidence.objects.select_for_update().filter(digest_key=digest_key).first()
    if held is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent upload may win the race
                evidence = _store_new(
                    actor=actor,
                    event=event,
                    content=content,
                    file_sha256=file_sha256,
                    digest_key=digest_key,
                    file_name=file_name,
                    description=description,
                )
            return EvidenceAdded(evidence=evidence, is_duplicate=False)
        except IntegrityError:
            held = Evidence.objects.select_for_update().get(digest_key=digest_key)
    return EvidenceAdded(
        evidence=_link_duplicate(held, event, actor, file_sha256), is_duplicate=True
    )


def _link_duplicate(held: Evidence, event: Event, actor: Operator, file_sha256: str) -> Evidence:
    _link(held, event, actor)
    append_custody(evidence=held, action=CustodyAction.LINKED, actor=actor, file_sha256=file_sha256)
    record_event(
        AuditAction.RECORD_CHANGED,
        actor=actor,
        target=held,
        details={"linked_event": event.pk, "duplicate": True},
    )
    return held


def _store_new(
    *,
    actor: Operator,
    event: Event,
    content: bytes,
    file_sha256: str,
    digest_key: str,
    file_name: str,
    description: str,
) -> Evidence:
    envelope = vault.create_envelope(purpose=vault.Purpose.EVIDENCE, readers=team_readers(actor))
    evidence = Evidence(
        reference=provisional_reference(),
        envelope=envelope,
        digest_key=digest_key,
        size_bytes=len(content),
        stored_name=f"{uuid.uuid4().hex}.bin",
        added_by=actor,
    )
    evidence.sha256 = file_sha256
    evidence.custody_salt = secrets.token_hex(16)
    evidence.file_name = file_name[:255]
    evidence.description = description
    vault.store_bytes(
        EVIDENCE_AREA,
        evidence.stored_name,
        envelope_id=envelope.pk,
        content=content,
        label=CONTENT_LABEL,
    )
    try:
        evidence.save()
        assign_reference(evidence, "F")
        _link(evidence, event, actor)
        append_custody(evidence=evidence, action=CustodyAction.ADDED, actor=actor)
        record_event(
            AuditAction.RECORD_CREATED,
            actor=actor,
            target=evidence,
            details={"event": event.pk, "bytes": len(content)},
        )
    except BaseException:
        # No orphan ciphertext when the row is not saved.
        vault.remove_bytes(EVIDENCE_AREA, evidence.stored_name)
        raise
    return evidence


def _content(evidence: Evidence) -> bytes:
    if evidence.destroyed_at is not None:
        raise EvidenceDestroyed
    content = vault.read_bytes(
        EVIDENCE_AREA, evidence.stored_name, envelope_id=evidence.envelope_id, label=CONTENT_LABEL
    )
    if hashlib.sha256(content).hexdigest() != str(evidence.sha256):
        raise EvidenceDamaged(_("The stored file no longer matches its hash."))
    return content


@transaction.atomic
def open_evidence(*, actor: Operator, evidence: Evidence) -> bytes:
    """Decrypt the file for its reader, check its hash, record the view in custody and audit."""
    require(actor, Capability.DOCUMENT)
    content = _content(evidence)
    append_custody(evidence=evidence, action=CustodyAction.VIEWED, actor=actor)
    record_event(AuditAction.RECORD_READ, actor=actor, target=evidence, details={"content": True})
    return content


@transaction.atomic
def content_for_export(*, actor: Operator, evidence: Evidence) -> bytes:
    """The file for an export, after recording the export in custody and audit."""
    require(actor, Capability.DOCUMENT)
    content = _content(evidence)
    append_custody(evidence=evidence, action=CustodyAction.EXPORTED, actor=actor)
    record_event(AuditAction.EXPORT, actor=actor, target=evidence, details={"format": "zip"})
    return content


def request_evidence_destruction(
    *, actor: Operator, evidence: Evidence, reason: DestructionReason, explanation: str
) -> PendingAction:
    """Ask for a file to be destroyed, with a coded reason and a written one; a coordinator
    or a lawyer who can read it confirms (refuge.documentation.destruction)."""
    return request_action(
        kind=DESTROY_EVIDENCE,
        target=evidence,
        reason=explanation,
        requested_by=actor,
        details={"reason": reason.value},
    )


@transaction.atomic
def destroy_evidence(*, actor: Operator, evidence: Evidence, reason: DestructionReason) -> Evidence:
    """Destroy a file for good: a last custody entry, the stored file deleted, the envelope
    shredded (name, description, hash and salt with it), a coded tombstone kept.

    Called by a confirmed two-person act (request_evidence_destruction), never from a page.
    Only someone who can read the file may destroy it: the custody entry needs its hash.
    Older backups still hold the file sealed to the grants of their day (docs/vault.md).
    """
    require(actor, Capability.DOCUMENT)
    evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if evidence.destroyed_at is not None:
        raise EvidenceDestroyed
    if not vault.can_read(evidence.envelope_id):
        raise CannotRead
    append_custody(evidence=evidence, action=CustodyAction.DESTROYED, actor=actor)
    record_event(
        AuditAction.RECORD_DELETED, actor=actor, target=evidence, details={"reason": reason.value}
    )
    evidence.destroyed_at, evidence.destroyed_by = timezone.now(), actor
    evidence.destroyed_reason = reason
    evidence.digest_key = f"destroyed-{evidence.pk}"  # the same file may be added anew
    evidence.save(update_fields=["destroyed_at", "destroyed_by", "destroyed_reason", "digest_key"])
    vault.shred(evidence.envelope_id, actor=actor)
    transaction.on_commit(lambda: vault.remove_bytes(EVIDENCE_AREA, evidence.stored_name))
    return evidence
