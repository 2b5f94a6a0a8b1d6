"""Who is on call, where their alarms go, and every alarm with its deliveries.

Nothing here names a person at risk: an alarm says what happened (a kind, an urgency, a
count) and points to a queue entry by its number; a delivery says to which operator, by
which channel, and how it went. Operators' alarm addresses are sealed with the server's key
(vault.seal_server_secret): the worker must read them with nobody logged in.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from refuge.accounts.models import Operator
from refuge.hotline.models import Contact


class Position(models.TextChoices):
    PRIMARY = "primary", pgettext_lazy("rota", "On call")
    BACKUP = "backup", _("Second person (escalation)")


class Shift(models.Model):
    """One operator on call from `starts_at` to `ends_at` (stored in UTC, entered and shown
    in the installation's time zone)."""

    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    position = models.CharField(max_length=8, choices=Position.choices, default=Position.PRIMARY)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField(db_index=True)
    created_by = models.ForeignKey(
        Operator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]


class AlarmSettings(models.Model):
    """An operator's own choice: where alarms reach them, and when not to wake them."""

    operator = models.OneToOneField(
        Operator, primary_key=True, on_delete=models.CASCADE, related_name="alarm_settings"
    )
    # The address, sealed with the server's key (vault.seal_server_secret, label EMAIL_LABEL).
    email_sealed = models.BinaryField(null=True, blank=True)
    # In the operator's own time zone; an interval may cross midnight (22:00-07:00).
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)


class AlarmKind(models.TextChoices):
    NEW_CONTACT = "new_contact", _("New contact")
    FOLLOW_UP = "follow_up", _("New message from a person")
    MISSED_CHECK_IN = "missed_check_in", _("Missed check-in")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
    DURESS_LOGIN = "duress_login", _("Duress password used")
    EMERGENCY_LOCK = "emergency_lock", _("Emergency lock")
    AUDIT_CHAIN_BROKEN = "audit_chain_broken", _("The audit log failed its check")


class Alarm(models.Model):
    kind = models.CharField(max_length=24, choices=AlarmKind.choices)
    # The intake urgency code of a new contact (intake.Urgency); empty for other kinds.
    urgency = models.CharField(max_length=16, blank=True, default="")
    count = models.PositiveIntegerField(default=1)
    # What this alarm is about, for alarms raised by a job that looks every minute ("checkin:
    # 12", "day:2026-12-07"): one alarm per kind and key, however often the job finds it.
    key = models.CharField(max_length=64, blank=True, default="")
    # The queue entry an alarm is about (never its content): for escalation and routing.
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For coordinator alarms about an operator (a duress login): never alarmed themselves.
    about_operator = models.ForeignKey(
        Operator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # 0: sent to those on call; 1: to the second person; 2: to every coordinator.
    escalation_level = models.PositiveSmallIntegerField(default=0)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"], condition=~models.Q(key=""), name="one_alarm_per_key"
            )
        ]


class AlarmChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    NONE = "none", _("No channel set")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Why a delivery failed, by the code delivery.py keeps (never the server's own words).
DELIVERY_ERRORS = {
    "no_channel": _("no alarm address set"),
    "unreachable": _("mail server unreachable"),
    "timeout": _("mail server did not answer in time"),
    "smtp_refused": _("the mail server refused the address"),
    "smtp_error": _("mail server error"),
}


class Delivery(models.Model):
    """One alarm to one operator by one channel: sent once, retried with backoff, and kept
    visible to coordinators when it could not be sent."""

    alarm = models.ForeignKey(Alarm, on_delete=models.CASCADE, related_name="deliveries")
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=AlarmChannel.choices)
    status = models.CharField(
        max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A code, never a server's message (it could quote an address): see services.delivery.
    error = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alarm", "operator", "channel"], name="one_delivery_per_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    @property
    def error_label(self) -> str:
        return str(DELIVERY_ERRORS.get(self.error, self.error))
