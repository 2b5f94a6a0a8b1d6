"""The channel's part of the hotline's contact page: safety note, messages not delivered,
and the web mailbox invitation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from refuge.accounts.decorators import OperatorRequest
from refuge.channels.models import Conversation
from refuge.core.outbox import OutboxStatus
from refuge.hotline.models import OPEN_STATUSES, Contact, ContactStatus

INVITABLE = (*OPEN_STATUSES, ContactStatus.CASE_OPENED)

# Why a message did not reach the person, for the codes an operator can act on.
FAILURE_REASONS = {
    "blocked": _("the person blocked the bot or deleted the chat: it cannot write to them"),
    "refused": _("the service refused the address or the message"),
    "no_address": _("the person's message named no address to answer"),
}


def contact_panel(request: OperatorRequest, contact: Contact) -> Mapping[str, Any] | None:
    if contact.thread_id is None:
        return None
    conversation = (
        Conversation.objects.filter(thread_id=contact.thread_id).select_related("thread").first()
    )
    if conversation is None:
        return None
    statuses = list(conversation.outbound.values_list("status", flat=True))
    errors = conversation.outbound.filter(status=OutboxStatus.FAILED).values_list(
        "error", flat=True
    )
    return {
        "contact_id": contact.pk,
        "channel": conversation.channel,
        "channel_label": contact.get_channel_display(),
        "failed": statuses.count(OutboxStatus.FAILED),
        "failed_reasons": [
            FAILURE_REASONS[code] for code in dict.fromkeys(errors) if code in FAILURE_REASONS
        ],
        "waiting": statuses.count(OutboxStatus.PENDING) + statuses.count(OutboxStatus.SENDING),
        "has_receipt": conversation.thread.receipt_lookup is not None,
        "may_invite": contact.status in INVITABLE,
    }
