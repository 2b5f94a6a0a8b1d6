"""Raising an alarm: who it goes to, and passing an untaken urgent contact on.

An alarm is written in the transaction of what caused it (a report, a follow-up, a duress
login), with one delivery per recipient and channel, so it exists exactly when its cause does;
the worker sends it once the transaction has committed (delivery.py).

Who receives what:
- a new contact, a follow-up, a missed check-in, a follow-up due: those on call now (a
  follow-up goes to the operator who took the contact, if they still work here); when nobody
  is on call, every coordinator, so that nothing waits unseen;
- a duress login, an emergency lock: every coordinator but the one it is about.
Urgent alarms (a person in danger now or detained, and the coordinators' alarms) ignore quiet
hours; the others wait for their end. A contact "in danger now" or "detained" that nobody has
taken within REFUGE_ESCALATE_MINUTES goes to the second person on call, and after as long
again to every coordinator.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Capability
from refuge.accounts.selectors import operators_with
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.tasks import enqueue_on_commit
from refuge.hotline.models import Contact, ContactStatus
from refuge.intake.models import Urgency
from refuge.oncall.models import (
    Alarm,
    AlarmChannel,
    AlarmKind,
    Delivery,
    DeliveryStatus,
    Position,
)
from refuge.oncall.services.preferences import alarm_channels, quiet_until, settings_of
from refuge.oncall.services.rota import on_call
from refuge.oncall.tasks import deliver

URGENT_CONTACTS = frozenset({Urgency.IN_DANGER, Urgency.DETAINED})
COORDINATOR_KINDS = frozenset(
    {AlarmKind.DURESS_LOGIN, AlarmKind.EMERGENCY_LOCK, AlarmKind.AUDIT_CHAIN_BROKEN}
)
URGENT_KINDS = COORDINATOR_KINDS | {AlarmKind.MISSED_CHECK_IN}
TOP_LEVEL = 2  # every coordinator


def is_urgent(alarm: Alarm) -> bool:
    return alarm.kind in URGENT_KINDS or alarm.urgency in URGENT_CONTACTS


def coordinators() -> list[Operator]:
    return list(operators_with(Capability.SUPERVISE_HOTLINE, holding_key=False))


def _first_recipients(alarm: Alarm) -> list[Operator]:
    if alarm.kind in COORDINATOR_KINDS:
        return coordinators()
    if alarm.kind == AlarmKind.FOLLOW_UP and alarm.contact is not None:
        taker = alarm.contact.assigned_to
        if taker is not None and taker.is_active:
            return [taker]
    return on_call(Position.PRIMARY) or coordinators()


def _add_deliveries(alarm: Alarm, recipients: Iterable[Operator], *, now: datetime) -> int:
    added: list[int] = []
    for operator in recipients:
        if operator.pk == alarm.about_operator_id:
            continue
        added.extend(_delivery_for(alarm, operator, now=now))
    if added:
        enqueue_on_commit(deliver, added)
    return len(added)


def _delivery_for(alarm: Alarm, operator: Operator, *, now: datetime) -> list[int]:
    preferences = settings_of(operator)
    channels = alarm_channels(preferences)
    if not channels:
        delivery, created = Delivery.objects.get_or_create(
            alarm=alarm,
            operator=operator,
            channel=AlarmChannel.NONE,
            defaults={
                "status": DeliveryStatus.FAILED,
                "next_attempt_at": now,
                "error": "no_channel",
            },
        )
        if created:
            record_event(
                AuditAction.ALARM_FAILED,
                target=alarm,
                details={"operator": operator.pk, "channel": "none", "error": "no_channel"},
            )
        return []
    wait = None if is_urgent(alarm) else quiet_until(preferences, now)
    added = []
    for channel in channels:
        delivery, created = Delivery.objects.get_or_create(
            alarm=alarm,
            operator=operator,
            channel=channel,
            defaults={"next_attempt_at": wait or now},
        )
        if created:
            added.append(delivery.pk)
    return added


@transaction.atomic
def raise_alarm(
    *,
    kind: AlarmKind,
    urgency: str = "",
    contact: Contact | None = None,
    about_operator: Operator | None = None,
    count: int = 1,
    key: str = "",
    also_to: Iterable[Operator] = (),
) -> Alarm:
    """Write an alarm and its deliveries; with a `key`, only the first time for that key.

    `also_to`: people who must know besides those on call (a case's team, say).
    """
    now = timezone.now()
    if key:
        existing = Alarm.objects.filter(kind=kind, key=key).first()
        if existing is not None:
            return existing
    alarm = Alarm.objects.create(
        kind=kind,
        urgency=urgency,
        contact=contact,
        about_operator=about_operator,
        count=count,
        key=key,
    )
    recipients = {operator.pk: operator for operator in _first_recipients(alarm)}
    recipients.update({operator.pk: operator for operator in also_to if operator.is_active})
    _add_deliveries(alarm, recipients.values(), now=now)
    return alarm


def _untaken_urgent_alarms(older_than: datetime) -> Iterable[Alarm]:
    return Alarm.objects.filter(
        kind=AlarmKind.NEW_CONTACT,
        urgency__in=URGENT_CONTACTS,
        escalation_level__lt=TOP_LEVEL,
        contact__status=ContactStatus.NEW,
        contact__assigned_to__isnull=True,
        created_at__lte=older_than,
    ).order_by("pk")


def escalate_untaken(*, now: datetime | None = None) -> int:
    """Pass on every urgent contact nobody took in time; returns how many were passed on."""
    now = now or timezone.now()
    wait = timedelta(minutes=settings.ESCALATE_MINUTES)
    escalated = 0
    for alarm in _untaken_urgent_alarms(now - wait):
        if (alarm.escalated_at or alarm.created_at) <= now - wait:
            escalated += _escalate(alarm, now=now)
    return escalated


@transaction.atomic
def _escalate(alarm: Alarm, *, now: datetime) -> int:
    level = alarm.escalation_level + 1
    recipients = on_call(Position.BACKUP, at=now) if level == 1 else []
    if not recipients:
        level, recipients = TOP_LEVEL, coordinators()
    # Claimed by the level it had: two workers never pass the same alarm on twice.
    claimed = Alarm.objects.filter(pk=alarm.pk, escalation_level=alarm.escalation_level).update(
        escalation_level=level, escalated_at=now
    )
    if not claimed:
        return 0
    record_event(
        AuditAction.ALARM_ESCALATED,
        target=alarm,
        details={"level": level, "recipients": len(recipients)},
    )
    _add_deliveries(alarm, recipients, now=now)
    return 1
