"""Anonymous reports: submit, reopen with the receipt, reply."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.accounts.selectors import operators_with
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.intake.attachments import CleanFile, store_attachments
from refuge.intake.errors import (
    DuplicateSubmission,
    ReceiptExists,
    RepliesNotErasable,
    ThreadGone,
)
from refuge.intake.models import (
    Direction,
    Message,
    ReporterKind,
    SpentFormToken,
    Thread,
    Urgency,
)
from refuge.intake.signals import operator_replied, report_submitted, reporter_wrote
from refuge.vault import api as vault

RECEIPT_WRAP_PURPOSE = "intake-receipt"
WEB = "web"  # the channel of a report made with the web form


@dataclass(frozen=True, slots=True)
class Submission:
    thread: Thread
    receipt: str = field(repr=False)


def form_digest(form_nonce: str) -> str:
    return hashlib.sha256(f"refuge-intake-form:{form_nonce}".encode()).hexdigest()


def intake_readers() -> list[Operator]:
    """Operators a new web report is sealed to: active, on intake duty, and in a role that
    handles contacts (a duty flag left on an analyst's account opens them nothing)."""
    return list(
        operators_with(Capability.HANDLE_CONTACTS, holding_key=False)
        .filter(is_on_intake_duty=True)
        .order_by("username")
    )


def _spend_form(form_nonce: str | None) -> SpentFormToken | None:
    """Mark the form as sent; a second sending of the same form raises DuplicateSubmission."""
    if form_nonce is None:
        return None
    try:
        with transaction.atomic():
            return SpentFormToken.objects.create(digest=form_digest(form_nonce))
    except IntegrityError as error:
        raise DuplicateSubmission(form_digest(form_nonce)) from error


def submit_report(
    *,
    body: str,
    reporter_kind: ReporterKind,
    urgency: Urgency,
    contact_instructions: str = "",
    attachments: Sequence[CleanFile] = (),
    form_nonce: str | None = None,
    receipt_wrapping_key: bytes | None = None,
) -> Submission:
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
            receipt=receipt,
            receipt_secrets=receipt_secrets,
            body=body,
            reporter_kind=reporter_kind,
            urgency=urgency,
            contact_instructions=contact_instructions,
            attachments=attachments,
            form_nonce=form_nonce,
            receipt_wrapping_key=receipt_wrapping_key,
        )


def _store_report(
    *,
    receipt: str,
    receipt_secrets: vault.ReceiptSecrets,
    body: str,
    reporter_kind: ReporterKind,
    urgency: Urgency,
    contact_instructions: str,
    attachments: Sequence[CleanFile],
    form_nonce: str | None,
    receipt_wrapping_key: bytes | None,
) -> Submission:
    spent = _spend_form(form_nonce)
    envelope = vault.create_envelope(purpose=vault.Purpose.REPORT, readers=intake_readers())
    # The receipt opens the mailbox, never the hotline's envelope (notes, summary, contact line).
    mailbox = vault.create_envelope(purpose=vault.Purpose.REPORT, parents=[envelope.pk])
    vault.add_receipt_grant(mailbox, receipt_secrets)
    thread = Thread.objects.create(
        envelope=envelope,
        mailbox_envelope=mailbox,
        receipt_lookup=receipt_secrets.lookup,
        urgency=urgency,
        reporter_kind=reporter_kind,
        contact_instructions=contact_instructions or None,
        last_reporter_message_at=timezone.now(),
    )
    message = Message.objects.create(
        thread=thread, envelope=mailbox, direction=Direction.FROM_REPORTER, body=body
    )
    record_event(
        AuditAction.REPORT_RECEIVED,
        target=thread,
        details={"urgency": urgency, "attachments": len(attachments)},
    )
    report_submitted.send(sender=Thread, thread=thread, channel=WEB)
    if spent is not None and receipt_wrapping_key is not None:
        spent.pending_receipt = vault.wrap_secret(
            receipt_wrapping_key, receipt.encode(), purpose=RECEIPT_WRAP_PURPOSE
        )
        spent.save(update_fields=["pending_receipt"])
    store_attachments(message=message, files=attachments)  # last: it removes its files on error
    return Submission(thread=thread, receipt=receipt)


@transaction.atomic
def open_channel_thread(
    *, channel: str, body: str, urgency: Urgency, attachments: Sequence[CleanFile] = ()
) -> Thread:
    """A message that came by another channel (Telegram, e-mail) opens a thread the way a web
    report does, sealed to the same readers, but without a receipt: the person has none until
    an operator sends them the mailbox invitation (`issue_mailbox_receipt`)."""
    envelope = vault.create_envelope(purpose=vault.Purpose.REPORT, readers=intake_readers())
    mailbox = vault.create_envelope(purpose=vault.Purpose.REPORT, parents=[envelope.pk])
    thread = Thread.objects.create(
        envelope=envelope,
        mailbox_envelope=mailbox,
        urgency=urgency,
        last_reporter_message_at=timezone.now(),
    )
    message = Message.objects.create(
        thread=thread, envelope=mailbox, direction=Direction.FROM_REPORTER, body=body
    )
    record_event(
        AuditAction.REPORT_RECEIVED,
        target=thread,
        details={"urgency": urgency, "attachments": len(attachments), "channel": channel},
    )
    report_submitted.send(sender=Thread, thread=thread, channel=channel)
    store_attachments(message=message, files=attachments)
    return thread


def issue_mailbox_receipt(*, thread: Thread, operator: Operator) -> str:
    """Give a thread that came by another channel a receipt of its own (the web mailbox
    invitation): the receipt opens its mailbox as a web reporter's does. Raises ReceiptExists
    when the thread already has one (a second receipt would leave the first one working)."""
    if thread.receipt_lookup is not None or thread.mailbox_envelope is None:
        raise ReceiptExists
    receipt = vault.new_receipt()
    receipt_secrets = vault.derive_receipt_secrets(receipt)  # Argon2id, before the transaction
    with transaction.atomic():
        claimed = Thread.objects.filter(pk=thread.pk, receipt_lookup__isnull=True).update(
            receipt_lookup=receipt_secrets.lookup
        )
        if not claimed:
            raise ReceiptExists
        vault.add_receipt_grant(thread.mailbox_envelope, receipt_secrets)
        record_event(
            AuditAction.RECORD_CHANGED,
            actor=operator,
            target=thread,
            details={"change": "mailbox_receipt_issued"},
        )
    thread.receipt_lookup = receipt_secrets.lookup
    return receipt


def take_pending_receipt(*, form_reference: str, receipt_wrapping_key: bytes) -> str | None:
    """The receipt waiting for this browser, once: it is erased as it is read."""
    with transaction.atomic():
        spent = (
            SpentFormToken.objects.select_for_update()
            .filter(digest=form_reference, pending_receipt__isnull=False)
            .first()
        )
        if spent is None:
            return None
        receipt = vault.unwrap_secret(
            receipt_wrapping_key, bytes(spent.pending_receipt or b""), purpose=RECEIPT_WRAP_PURPOSE
        )
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
        vault.unlock_with_receipt(thread.receipt_envelope_id, receipt_secrets)
    except vault.AccessDenied:
        return None
    return thread


def is_thread_gone(thread: Thread) -> bool:
    """Whether the hotline destroyed this conversation's keys (nothing new could be read)."""
    envelope_ids = {thread.envelope_id, thread.receipt_envelope_id}
    return vault.Envelope.objects.filter(pk__in=envelope_ids, shredded_at__isnull=False).exists()


@transaction.atomic
def add_reporter_message(
    *,
    thread: Thread,
    text: str,
    attachments: Sequence[CleanFile] = (),
    form_nonce: str | None = None,
) -> Message:
    """The reporter writes again (their receipt has unlocked the thread in this session).

    Refused with ThreadGone when the thread's keys were shredded: a message nobody can read
    must not be stored, nor the person told that it was sent.
    """
    if is_thread_gone(thread):
        raise ThreadGone
    _spend_form(form_nonce)
    return _store_reporter_message(
        thread, envelope_id=thread.receipt_envelope_id, text=text, attachments=attachments
    )


def _store_reporter_message(
    thread: Thread, *, envelope_id: uuid.UUID, text: str, attachments: Sequence[CleanFile]
) -> Message:
    """The person's new message on the thread, audited, announced to the hotline (which
    queues it as a follow-up), its files stored last (they are removed on error)."""
    message = Message.objects.create(
        thread=thread, envelope_id=envelope_id, direction=Direction.FROM_REPORTER, body=text
    )
    Thread.objects.filter(pk=thread.pk).update(last_reporter_message_at=message.created_at)
    record_event(
        AuditAction.RECORD_CREATED,
        target=message,
        details={"thread": thread.pk, "attachments": len(attachments)},
    )
    reporter_wrote.send(sender=Thread, thread=thread, message=message)
    store_attachments(message=message, files=attachments)
    return message


@transaction.atomic
def add_channel_message(
    *, thread: Thread, text: str, attachments: Sequence[CleanFile] = ()
) -> Message:
    """A person who wrote by a channel (e-mail, Telegram) writes again.

    The worker that stores it holds no key of the thread, so the message gets an envelope of
    its own, sealed to everyone who reads the thread now (and to recovery). The first of them
    to open the thread puts it under the thread's envelopes (`adopt_channel_messages`), so
    that colleagues given the contact later, and the person's receipt, reach it too.
    """
    if is_thread_gone(thread):
        raise ThreadGone
    readers = Operator.objects.filter(pk__in=vault.readers_of(thread.envelope_id))
    envelope = vault.create_envelope(purpose=vault.Purpose.REPORT, readers=readers)
    return _store_reporter_message(
        thread, envelope_id=envelope.pk, text=text, attachments=attachments
    )


def adopt_channel_messages(*, thread: Thread, operator: Operator) -> int:
    """Put the messages a channel sealed on their own under the thread's envelopes, where the
    current keyring opens them; returns how many were adopted now."""
    parents = [thread.envelope_id, thread.receipt_envelope_id]
    own = thread.messages.filter(direction=Direction.FROM_REPORTER).exclude(envelope_id__in=parents)
    adopted = 0
    for envelope_id in own.values_list("envelope_id", flat=True):
        if not (vault.can_read(envelope_id) and vault.can_read(thread.envelope_id)):
            continue
        added = [
            vault.add_parent_grant(envelope_id, parent_id=parent, actor=operator)
            for parent in dict.fromkeys(parents)
        ]
        adopted += any(added)
    return adopted


@transaction.atomic
def add_operator_reply(*, thread: Thread, author: Operator, text: str) -> Message:
    """A reply the reporter will read in their mailbox (the author must be able to read it)."""
    if not vault.can_read(thread.envelope_id):
        raise vault.AccessDenied(thread.envelope_id)
    if is_thread_gone(thread):
        raise ThreadGone
    message = Message.objects.create(
        thread=thread,
        envelope=_reply_envelope(thread),
        direction=Direction.FROM_OPERATOR,
        author=author,
        body=text,
    )
    Thread.objects.filter(pk=thread.pk).update(last_operator_reply_at=message.created_at)
    record_event(
        AuditAction.RECORD_CREATED, actor=author, target=message, details={"thread": thread.pk}
    )
    operator_replied.send(sender=Thread, thread=thread, message=message, text=text)
    return message


def _reply_envelope(thread: Thread) -> vault.Envelope:
    """A reply's own key, under the hotline's envelope and the mailbox's (which the reporter
    may later drop); a thread without a mailbox envelope keeps replies in its one envelope."""
    if thread.mailbox_envelope_id is None:
        return thread.envelope
    return vault.create_envelope(
        purpose=vault.Purpose.REPORT, parents=[thread.envelope_id, thread.mailbox_envelope_id]
    )


def _erasable_replies(thread: Thread, *, up_to_message_id: int) -> list[Message]:
    return list(
        thread.messages.filter(
            direction=Direction.FROM_OPERATOR,
            pk__lte=up_to_message_id,
            erased_from_mailbox_at__isnull=True,
        ).exclude(envelope_id__in=[thread.envelope_id, thread.receipt_envelope_id])
    )


@transaction.atomic
def erase_read_replies(*, thread: Thread, up_to_message_id: int) -> int:
    """Drop the receipt's path to the hotline's replies the reporter has seen (those up to the
    last one their page showed); the hotline keeps reading them. Returns how many."""
    if not thread.can_erase_replies:
        raise RepliesNotErasable
    replies = _erasable_replies(thread, up_to_message_id=up_to_message_id)
    now = timezone.now()
    for reply in replies:
        vault.drop_parent_grant(reply.envelope_id, parent_id=thread.receipt_envelope_id, actor=None)
        vault.current_keyring().forget(reply.envelope_id)
    Message.objects.filter(pk__in=[reply.pk for reply in replies]).update(
        erased_from_mailbox_at=now
    )
    record_event(
        AuditAction.RECORD_CHANGED,
        target=thread,
        details={"change": "replies_erased_from_mailbox", "count": len(replies)},
    )
    return len(replies)


def messages_of(thread: Thread) -> list[Message]:
    """Every message of the thread, as the hotline reads it (their keys opened together)."""
    messages = list(
        thread.messages.order_by("created_at", "pk")
        .select_related("author")
        .prefetch_related("attachments")
    )
    vault.preload(
        [
            thread.envelope_id,
            thread.receipt_envelope_id,
            *(message.envelope_id for message in messages),
        ]
    )
    return messages


def mailbox_messages_of(thread: Thread) -> list[Message]:
    """What the reporter's mailbox shows: the replies they erased are left out."""
    return [message for message in messages_of(thread) if message.erased_from_mailbox_at is None]
