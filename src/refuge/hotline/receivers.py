"""Signals from the apps below the hotline: new reports (by the web form or a channel) and their
follow-ups, operators put on intake duty."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from refuge.accounts.models import Operator
from refuge.accounts.signals import intake_duty_started
from refuge.hotline.models import Channel, Contact
from refuge.hotline.services.followups import receive_follow_up
from refuge.hotline.services.intake import mark_intake_grants, seal_open_contacts_to
from refuge.intake.models import Message, Thread
from refuge.intake.signals import report_submitted, reporter_wrote
from refuge.vault import api as vault


@receiver(report_submitted)
def queue_report(sender: Any, *, thread: Thread, channel: str, **kwargs: Any) -> None:
    """The report enters the queue in the transaction that stores it; the intake pool it was
    sealed to holds it because of duty (those grants lapse after closing)."""
    contact = Contact.objects.create(
        envelope_id=thread.envelope_id,
        channel=Channel(channel),
        urgency=thread.urgency,
        thread=thread,
    )
    mark_intake_grants(contact=contact, operators=vault.readers_of(thread.envelope_id))


@receiver(intake_duty_started)
def seal_open_contacts(
    sender: Any, *, operator: Operator, granted_by: Operator, **kwargs: Any
) -> Any:
    return seal_open_contacts_to(operator=operator, granted_by=granted_by)


@receiver(reporter_wrote)
def queue_follow_up(sender: Any, *, thread: Thread, message: Message, **kwargs: Any) -> None:
    receive_follow_up(thread=thread, message=message)
