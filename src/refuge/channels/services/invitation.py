"""The web mailbox invitation: a person who wrote by a channel gets a receipt of their own."""

from __future__ import annotations

from django.db import transaction

from refuge.accounts.models import Operator
from refuge.channels.errors import NotByChannel
from refuge.channels.models import Conversation, Outbound, OutboundKind
from refuge.channels.services.outbound import queue_outbound
from refuge.channels.texts import invitation_text
from refuge.hotline.models import Contact
from refuge.hotline.services.queue import require_visible
from refuge.intake import services as intake


def send_mailbox_invitation(*, contact: Contact, operator: Operator) -> Outbound:
    """Give the person a receipt for the web mailbox of this very conversation and send it on
    their channel; the receipt is in no page and no log, only in the message (erased here once
    sent). Raises ReceiptExists when they have one already."""
    require_visible(operator, contact)
    conversation = (
        Conversation.objects.filter(thread_id=contact.thread_id).first()
        if contact.thread_id is not None
        else None
    )
    if conversation is None:
        raise NotByChannel
    with transaction.atomic():
        receipt = intake.issue_mailbox_receipt(thread=conversation.thread, operator=operator)
        return queue_outbound(
            conversation, kind=OutboundKind.INVITATION, text=invitation_text(receipt)
        )
