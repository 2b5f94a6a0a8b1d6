"""An operator's reply goes back the way the person wrote: by their channel."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from refuge.channels.models import Conversation, OutboundKind
from refuge.channels.services.outbound import queue_outbound
from refuge.intake.models import Message, Thread
from refuge.intake.signals import operator_replied


@receiver(operator_replied)
def send_reply_by_channel(
    sender: Any, *, thread: Thread, message: Message, text: str, **kwargs: Any
) -> None:
    conversation = Conversation.objects.filter(thread=thread).first()
    if conversation is not None:
        queue_outbound(conversation, kind=OutboundKind.REPLY, text=text, message=message)
