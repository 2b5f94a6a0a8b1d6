"""Anonymous reports: submit, reopen with the receipt, reply."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability, roles_with
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.intake.attachments import CleanFile, store_attachments
from refuge.intake.errors import DuplicateSubmission
from refuge.intake.models import (
    Direction,
    Message,
    ReporterKind,
    SpentFormToken,
    Thread,
    Urgency,
)
from refuge.intake.signals import report_submitted, reporter_wrote
from refuge.vault import api as vault

RECEIPT_WRAP_PURPOSE = "intake-receipt"


@dataclass(frozen=True, slots=True)
class Submission:
    thread: Thread
    receipt: str = field(repr=False)


def form_digest(form_nonce: str) -> str:
    return hashlib.sha256(f"refuge-intake-form:{form_nonce}".encode()).hexdigest()


def intake_readers() -> list[Operator]:
    """Operators a new web report is sealed to: active, on intake duty, and in a role that
    handles contacts (a duty flag left on an analyst's account opens them nothing)."""
    return list(Operator.objects.filter(is_active=True, is_on_intake_duty=True,
                                        role__in=roles_with(Capability.HANDLE_CONTACTS)))


def _spend_form(form_nonce: str | None) -> SpentFormToken | None:
    """Mark the form as sent; a second sending of the same form raises DuplicateSubmission."""
    if form_nonce is None:
        return None
    try:
        with transaction.atomic():
            return SpentFormToken.objects.create(digest=form_digest(form_nonce))
    except IntegrityError as error:
        raise DuplicateSubmission(form_digest(form_nonce)) from error


def submit_report(*, body: str, reporter_kind: ReporterKind, urgency: Urgency,
                  contact_instructions: str = "", attachments: Sequence[CleanFile] = (),
                  form_nonce: str | None = None,
                  receipt_wrapping_key: bytes | None = None) -> Submission:
    """Store a sealed report and return the reporter's receipt (shown once, never stored).

    With `form_nonce`, the same form cannot make a second report. With
    `receipt_wrapping_key` (held only by the reporter's browser), the receipt waits for its
    page encrypted under that key, so a repeated submit can still show it once.
    """
    receipt = vault.new_receipt()
    # The deliberate 0.1 s of Argon2id runs before the transaction: SQLite holds its write
    # lock for a whole transaction, and no report should wait for another's derivation.
    receipt_secrets = vault.derive_receipt_secrets(receipt)
    with transaction.atomic():
        return _store_report(
            receipt=receipt, receipt_secrets=receipt_secrets, body=body,
            reporter_kind=reporter_kind, urgency=urgency,
            contact_instructions=contact_instructions, attachments=attachments,
            form_nonce=form_nonce, receipt_wrapping_key=receipt_wrapping_key)


def _store_report(*, receipt: str, receipt_secrets: vault.ReceiptSecrets, body: str,
                  reporter_kind: ReporterKind, urgency: Urgency, contact_instructions: str,
                  attachments: Sequence[CleanFile], form_nonce: str | None,
                  receipt_wrapping_key: bytes | None) -> Submission:
    spent = _spend_form(form_nonce)
    envelope = vault.create_envelope(purpose=vault.Purpose.REPORT, readers=intake_readers())
    vault.add_receipt_grant(envelope, receipt_secrets)
    thread = Thread.objects.create(
        envelope=envelope, receipt_lookup=receipt_secrets.lookup, urgency=urgency,
        reporter_kind=reporter_kind, contact_instructions=contact_instructions or None,
        last_reporter_message_at=timezone.now(),
    )
    message = Message.objects.create(thread=thread, envelope=envelope,
                                     direction=Direction.FROM_REPORTER, body=body)
    record_event(AuditAction.REPORT_RECEIVED, target=thread,
                 details={"urgency": urgency, "attachments": len(attachments)})
    report_submitted.send(sender=Thread, thread=thread)
    if spent is not None and receipt_wrapping_key is not None:
        spent.pending_receipt = vault.wrap_secret(receipt_wrapping_key, receipt.encode(),
                                                  purpose=RECEIPT_WRAP_PURPOSE)
        spent.save(update_fields=["pending_receipt"])
    store_attachments(message=message, files=attachments)  # last: it removes its files on error
    return Submission(thread=thread, receipt=receipt)


def take_pending_receipt(*, form_reference: str, receipt_wrapping_key: bytes) -> str | None:
    """The receipt waiting for this browser, once: it is erased as it is read."""
    with transaction.atomic():
        spent = (SpentFormToken.objects.select_for_update()
                 .filter(digest=form_reference, pending_receipt__isnull=False).first())
        if spent is None:
            return None
        receipt = vault.unwrap_secret(receipt_wrapping_key, bytes(spent.pending_receipt or b""),
                                      purpose=RECEIPT_WRAP_PURPOSE)
        if receipt is None:  # another browser's reference: leave it for its owner
            return None
        SpentFormToken.objects.filter(pk=spent.pk).update(pending_receipt=None)
    return receipt.decode()


def open_thread_with_receipt(receipt: str) -> Thread | None:
    """Find and unlock the thread a receipt belongs to; None for any wrong receipt."""
    receipt_secrets = vault.derive_receipt_secrets(receipt)
    thread = Thread.objects.filter(receipt_lookup=receipt_secrets.lookup).first()
    if thread is None or vault.normalise_receipt(receipt) is None:
        return None
    try:
        vault.unlock_with_receipt(thread.envelope_id, receipt_secrets)
    except vault.AccessDenied:
        return None
    return thread


@transaction.atomic
def add_reporter_message(*, thread: Thread, text: str, attachments: Sequence[CleanFile] = (),
                         form_nonce: str | None = None) -> Message:
    """The reporter writes again (their receipt has unlocked the thread in this session)."""
    _spend_form(form_nonce)
    message = Message.objects.create(thread=thread, envelope_id=thread.envelope_id,
                                     direction=Direction.FROM_REPORTER, body=text)
    Thread.objects.filter(pk=thread.pk).update(last_reporter_message_at=message.created_at)
    record_event(AuditAction.RECORD_CREATED, target=message,
                 details={"thread": thread.pk, "attachments": len(attachments)})
    reporter_wrote.send(sender=Thread, thread=thread, message=message)
    store_attachments(message=message, files=attachments)
    return message


@transaction.atomic
def add_operator_reply(*, thread: Thread, author: Any, text: str) -> Message:
    """A reply the reporter will read in their mailbox (the author must be able to read it)."""
    if not vault.can_read(thread.envelope_id):
        raise vault.AccessDenied(thread.envelope_id)
    message = Message.objects.create(thread=thread, envelope_id=thread.envelope_id,
                                     direction=Direction.FROM_OPERATOR, author=author, body=text)
    Thread.objects.filter(pk=thread.pk).update(last_operator_reply_at=message.created_at)
    record_event(AuditAction.RECORD_CREATED, actor=author, target=message,
                 details={"thread": thread.pk})
    return message


def messages_of(thread: Thread) -> list[Message]:
    return list(thread.messages.order_by("created_at", "pk").prefetch_related("attachments"))
