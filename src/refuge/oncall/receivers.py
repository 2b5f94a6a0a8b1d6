"""What raises an alarm: a new contact in the queue, a person writing again, a duress login,
an emergency lock. Each alarm is written in the transaction of its cause."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from refuge.accounts.models import CoordinatorAlert, Operator
from refuge.accounts.signals import emergency_locked
from refuge.hotline.models import Contact, ContactStatus
from refuge.intake.models import Message, Thread
from refuge.intake.signals import reporter_wrote
from refuge.oncall.models import AlarmKind
from refuge.oncall.services.alarms import raise_alarm


@receiver(post_save, sender=Contact)
def alarm_new_contact(
    sender: Any, *, instance: Contact, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A contact nobody has taken yet (a web report, a message by a channel); a call an
    operator writes down is theirs already. A row loaded as it is (`raw`: a restore loading a
    backup) happened before: it raises nothing, and writes nothing to the new audit chain."""
    if raw:
        return
    if created and instance.status == ContactStatus.NEW and instance.assigned_to_id is None:
        raise_alarm(kind=AlarmKind.NEW_CONTACT, urgency=instance.urgency, contact=instance)


@receiver(reporter_wrote)
def alarm_follow_up(sender: Any, *, thread: Thread, message: Message, **kwargs: Any) -> None:
    contact = Contact.objects.filter(thread=thread).select_related("assigned_to").first()
    raise_alarm(kind=AlarmKind.FOLLOW_UP, contact=contact)


@receiver(post_save, sender=CoordinatorAlert)
def alarm_duress(
    sender: Any, *, instance: CoordinatorAlert, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if created and not raw and instance.kind == CoordinatorAlert.Kind.DURESS:
        raise_alarm(kind=AlarmKind.DURESS_LOGIN, about_operator=instance.operator)


@receiver(emergency_locked)
def alarm_emergency_lock(sender: Any, *, actor: Operator, **kwargs: Any) -> None:
    raise_alarm(kind=AlarmKind.EMERGENCY_LOCK, about_operator=actor)
