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
from refuge.core.outbox import OutboxStatus
from refuge.hotline.models import Contact


class Position(models.TextChoices):
    PRIMARY = "primary", pgettext_lazy("rota position", "On call")
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


class ChannelChoice(models.TextChoices):
    """Which of their channels an operator wants alarms by."""

    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", pgettext_lazy("alarm channel", "Telegram")
    BOTH = "both", _("E-mail and Telegram")


class AlarmSettings(models.Model):
    """An operator's own choice: where alarms reach them, and when not to wake them."""

    operator = models.OneToOneField(
        Operator, primary_key=True, on_delete=models.CASCADE, related_name="alarm_settings"
    )
    # The address, sealed with the server's key (vault.seal_server_secret, label EMAIL_LABEL).
    email_sealed = models.BinaryField(null=True, blank=True)
    # The operator's private chat with the staff bot, sealed the same way (TELEGRAM_LABEL).
    telegram_chat_sealed = models.BinaryField(null=True, blank=True)
    channels = models.CharField(max_length=8, choices=ChannelChoice.choices, default="email")
    # In the operator's own time zone; an interval may cross midnight (22:00-07:00).
    quiet_from = models.TimeField(null=True, blank=True)
    quiet_until = models.TimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)


class TelegramLinkCode(models.Model):
    """A one-time code an operator sends to the staff bot ("/start CODE") to link their chat:
    kept only as a keyed hash, valid until `expires_at`, deleted when used."""

    operator = models.OneToOneField(
        Operator, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()


class StaffBotState(models.Model):
    """The staff bot's polling, one row: the last update handled (written in the transaction
    that handled it, so each update counts once), and how the last poll went (a code)."""

    last_update_id = models.BigIntegerField(default=0)
    bot_username = models.CharField(max_length=64, blank=True, default="")
    polled_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=32, blank=True, default="")


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
    TELEGRAM = "telegram", pgettext_lazy("alarm channel", "Telegram")
    NONE = "none", _("No channel set")


# A delivery is a row of an outbox (core.outbox): pending, being sent, sent or failed.
DeliveryStatus = OutboxStatus


# Why a delivery failed, by the code delivery.py keeps (never the server's own words).
DELIVERY_ERRORS = {
    "no_channel": _("no alarm address set"),
    "unreachable": _("mail server unreachable"),
    "timeout": _("mail server did not answer in time"),
    "smtp_refused": _("the mail server refused the address"),
    "smtp_error": _("mail server error"),
    "telegram_blocked": _(
        "the operator blocked the staff bot in Telegram: ask them to unblock it, or to link "
        "Telegram again"
    ),
    "telegram_refused": _("Telegram refused the message (the chat no longer exists?)"),
    "telegram_token": _("the staff bot is not set up or its token was refused"),
    "telegram_unreachable": _("Telegram unreachable"),
    "telegram_timeout": _("Telegram did not answer in time"),
    "telegram_rate_limited": _("Telegram asked to wait (too many messages)"),
    "telegram_error": _("Telegram error"),
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
