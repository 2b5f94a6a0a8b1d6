"""Web reports and their follow-ups enter the queue in the same transaction that stores them."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from refuge.hotline.models import Channel, Contact
from refuge.hotline.services.followups import receive_follow_up
from refuge.intake.models import Message, Thread
from refuge.intake.signals import report_submitted, reporter_wrote


@receiver(report_submitted)
def queue_web_report(sender: Any, *, thread: Thread, **kwargs: Any) -> None:
    Contact.objects.create(envelope_id=thread.envelope_id, channel=Channel.WEB,
                           urgency=thread.urgency, thread=thread)


@receiver(reporter_wrote)
def queue_follow_up(sender: Any, *, thread: Thread, message: Message, **kwargs: Any) -> None:
    receive_follow_up(thread=thread, message=message)
