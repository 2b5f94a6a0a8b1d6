"""Anonymous reports: submit, reopen with the receipt, reply."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.intake.models import Direction, Message, ReporterKind, Thread, Urgency
from refuge.intake.signals import report_submitted, reporter_wrote
from refuge.vault import api as vault


@dataclass(frozen=True, slots=True)
class Submission:
    thread: Thread
    receipt: str = field(repr=False)


def intake_readers() -> list[Operator]:
    """Operators a new web report is sealed to: active and on intake duty."""
    return list(Operator.objects.filter(is_active=True, is_on_intake_duty=True))


@transaction.atomic
def submit_report(*, body: str, reporter_kind: ReporterKind, urgency: Urgency,
                  contact_instructions: str = "") -> Submission:
    """Store a sealed report and return the reporter's receipt (shown once, never stored)."""
    receipt = vault.new_receipt()
    receipt_secrets = vault.derive_receipt_secrets(receipt)
    envelope = vault.create_envelope(purpose=vault.Purpose.REPORT, readers=intake_readers())
    vault.add_receipt_grant(envelope, receipt_secrets)
    thread = Thread.objects.create(
        envelope=envelope, receipt_lookup=receipt_secrets.lookup, urgency=urgency,
        reporter_kind=reporter_kind, contact_instructions=contact_instructions or None,
        last_reporter_message_at=timezone.now(),
    )
    Message.objects.create(thread=thread, envelope=envelope, direction=Direction.FROM_REPORTER,
                           body=body)
    record_event(AuditAction.REPORT_RECEIVED, target=thread, details={"urgency": urgency})
    report_submitted.send(sender=Thread, thread=thread)
    return Submission(thread=thread, receipt=receipt)


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
def add_reporter_message(*, thread: Thread, text: str) -> Message:
    """The reporter writes again (their receipt has unlocked the thread in this request)."""
    message = Message.objects.create(thread=thread, envelope_id=thread.envelope_id,
                                     direction=Direction.FROM_REPORTER, body=text)
    Thread.objects.filter(pk=thread.pk).update(last_reporter_message_at=message.created_at)
    reporter_wrote.send(sender=Thread, thread=thread, message=message)
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
    return list(thread.messages.order_by("created_at", "pk"))
