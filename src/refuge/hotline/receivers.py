"""Web reports enter the queue in the same transaction that stores them."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from refuge.hotline.models import Channel, Contact
from refuge.intake.models import Thread
from refuge.intake.signals import report_submitted


@receiver(report_submitted)
def queue_web_report(sender: Any, *, thread: Thread, **kwargs: Any) -> None:
    Contact.objects.create(envelope_id=thread.envelope_id, channel=Channel.WEB,
                           urgency=thread.urgency, thread=thread)
