"""Messages to a person on their channel: queued in the transaction of their cause, sent by
the worker, retried with backoff, each claimed by one worker (core.outbox).

The text waits sealed under the server key and is erased once sent. A message that cannot be
sent after MAX_ATTEMPTS is marked failed and shown on the contact, so an operator knows the
person did not get it and can reach them another way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.channels.models import Conversation, Outbound, OutboundKind
from refuge.channels.services.addresses import address_of
from refuge.channels.tasks import send_outbound
from refuge.core import outbox
from refuge.core.outbox import OutboxStatus, SendFailed
from refuge.core.tasks import enqueue_on_commit
from refuge.intake.models import Message
from refuge.vault import api as vault

TEXT_LABEL = "channel-outbound"
MAX_ATTEMPTS = outbox.RETRIES.max_attempts


# channel -> send(address, text, outbound): raises SendFailed, `final` where no retry can mend
# it (the address is gone or refused, the person blocked the bot). Each channel registers its own.
Sender = Callable[[str, str, Outbound], None]
_senders: dict[str, Sender] = {}


def register_sender(channel: str, sender: Sender) -> None:
    _senders[channel] = sender


def queue_outbound(
    conversation: Conversation, *, kind: OutboundKind, text: str, message: Message | None = None
) -> Outbound:
    """Queue a message to the person; the worker is asked to send it once this commits."""
    outbound = Outbound.objects.create(
        conversation=conversation,
        message=message,
        kind=kind,
        text=vault.seal_server_secret(text, label=TEXT_LABEL),
        next_attempt_at=timezone.now(),
    )
    enqueue_on_commit(send_outbound, [outbound.pk])
    return outbound


SendRun = outbox.OutboxRun


def send_due(*, now: datetime | None = None, only: list[int] | None = None) -> SendRun:
    """Send every message that is due (or those of `only` that are); each on its own."""
    moment = now or timezone.now()
    return outbox.send_due(Outbound, lambda pk: send_one(pk, now=moment), now=moment, only=only)


def send_one(pk: int, *, now: datetime) -> str:
    """Send one message; its status afterwards ("" when another worker had it)."""
    if not outbox.claim(Outbound, pk, now=now):
        return ""
    outbound = Outbound.objects.select_related("conversation").get(pk=pk)
    try:
        _send(outbound)
    except SendFailed as failure:
        return _after_failure(outbound, failure, now=now)
    with transaction.atomic():
        Outbound.objects.filter(pk=pk).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), error="", text=None
        )
        record_event(
            AuditAction.RECORD_CHANGED,
            target=outbound.conversation.thread,
            details={"change": "channel_message_sent", "kind": outbound.kind},
        )
    return OutboxStatus.SENT


def _send(outbound: Outbound) -> None:
    sender = _senders.get(outbound.conversation.channel)
    if sender is None:
        raise SendFailed("channel_off")
    address = address_of(outbound.conversation)
    if not address:
        raise SendFailed("no_address", final=True)
    text = vault.open_server_secret(outbound.text, label=TEXT_LABEL)
    if text is None:
        raise SendFailed("unreadable", final=True)
    sender(address, text, outbound)


@transaction.atomic
def _after_failure(outbound: Outbound, failure: SendFailed, *, now: datetime) -> str:
    retry = outbox.RETRIES.after_failure(outbound.attempts, failure, now=now)
    Outbound.objects.filter(pk=outbound.pk).update(
        status=retry.status,
        error=failure.code,
        next_attempt_at=retry.next_attempt_at,
        text=None if retry.given_up else outbound.text,
    )
    if retry.given_up:
        record_event(
            AuditAction.RECORD_CHANGED,
            target=outbound.conversation.thread,
            details={
                "change": "channel_message_failed",
                "kind": outbound.kind,
                "error": failure.code,
                "attempts": outbound.attempts,
            },
        )
    return retry.status


def failed_for(thread_id: int) -> list[Outbound]:
    """Messages to the person on this thread that never reached them (shown on the contact)."""
    return list(
        Outbound.objects.filter(
            conversation__thread_id=thread_id, status=OutboxStatus.FAILED
        ).order_by("pk")
    )
