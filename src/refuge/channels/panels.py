"""The channel's part of the hotline's contact page: safety note, messages not delivered,
and the web mailbox invitation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from refuge.accounts.decorators import OperatorRequest
from refuge.channels.models import Conversation
from refuge.core.outbox import OutboxStatus
from refuge.hotline.models import OPEN_STATUSES, Contact, ContactStatus

INVITABLE = (*OPEN_STATUSES, ContactStatus.CASE_OPENED)


def contact_panel(request: OperatorRequest, contact: Contact) -> Mapping[str, Any] | None:
    if contact.thread_id is None:
        return None
    conversation = (
        Conversation.objects.filter(thread_id=contact.thread_id).select_related("thread").first()
    )
    if conversation is None:
        return None
    statuses = list(conversation.outbound.values_list("status", flat=True))
    return {
        "contact_id": contact.pk,
        "channel": conversation.channel,
        "channel_label": contact.get_channel_display(),
        "failed": statuses.count(OutboxStatus.FAILED),
        "waiting": statuses.count(OutboxStatus.PENDING) + statuses.count(OutboxStatus.SENDING),
        "has_receipt": conversation.thread.receipt_lookup is not None,
        "may_invite": contact.status in INVITABLE,
    }
