"""Each operator's own alarm settings: an e-mail address and a Telegram chat for alarms (each
sealed with the server's key), which of them to use, and quiet hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.concurrency import save_with_version
from refuge.oncall.models import AlarmChannel, AlarmSettings, ChannelChoice
from refuge.vault import api as vault

EMAIL_LABEL = "alarm-email"
TELEGRAM_LABEL = "alarm-telegram-chat"


def settings_of(operator: Operator) -> AlarmSettings:
    found = AlarmSettings.objects.filter(operator=operator).first()
    return found or AlarmSettings(operator=operator)


def alarm_email(settings: AlarmSettings) -> str:
    """The operator's alarm address, or "" (none set, or sealed under another secret key)."""
    return vault.open_server_secret(settings.email_sealed, label=EMAIL_LABEL) or ""


def alarm_telegram_chat(settings: AlarmSettings) -> str:
    """The operator's linked chat with the staff bot, or "" (not linked, or unreadable)."""
    return vault.open_server_secret(settings.telegram_chat_sealed, label=TELEGRAM_LABEL) or ""


def telegram_linked(settings: AlarmSettings) -> bool:
    return bool(alarm_telegram_chat(settings))


def alarm_channels(settings: AlarmSettings) -> list[AlarmChannel]:
    """The channels an alarm goes by: those the operator chose that are set up (Telegram: a
    linked chat, and a staff bot on this installation)."""
    wanted = {
        ChannelChoice.EMAIL: [AlarmChannel.EMAIL],
        ChannelChoice.TELEGRAM: [AlarmChannel.TELEGRAM],
        ChannelChoice.BOTH: [AlarmChannel.EMAIL, AlarmChannel.TELEGRAM],
    }.get(ChannelChoice(settings.channels or ChannelChoice.EMAIL), [AlarmChannel.EMAIL])
    usable = {
        AlarmChannel.EMAIL: bool(alarm_email(settings)),
        AlarmChannel.TELEGRAM: bool(django_settings.TELEGRAM_STAFF_TOKEN)
        and telegram_linked(settings),
    }
    return [channel for channel in wanted if usable[channel]]


@transaction.atomic
def save_alarm_settings(
    *,
    operator: Operator,
    email: str,
    quiet_from: time | None,
    quiet_until: time | None,
    expected_version: int,
    channels: str | None = None,
) -> AlarmSettings:
    """Only the operator sets their own: nobody else learns or changes where alarms go.

    `channels` (a ChannelChoice): None keeps the current choice."""
    settings, created = AlarmSettings.objects.get_or_create(operator=operator)
    settings.email_sealed = vault.seal_server_secret(email, label=EMAIL_LABEL) if email else None
    settings.quiet_from, settings.quiet_until = quiet_from, quiet_until
    if channels is not None:
        settings.channels = ChannelChoice(channels)
    fields = ("email_sealed", "quiet_from", "quiet_until", "channels")
    save_with_version(
        settings, fields, expected_version=settings.version if created else expected_version
    )
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=operator,
        target_type="oncall.AlarmSettings",
        target_id=operator.pk,
        details={
            "email": bool(email),
            "quiet_hours": quiet_from is not None,
            "channels": settings.channels,
        },
    )
    return settings


def operator_zone(operator: Operator) -> tzinfo:
    return ZoneInfo(operator.time_zone) if operator.time_zone else timezone.get_default_timezone()


def quiet_until(settings: AlarmSettings, moment: datetime) -> datetime | None:
    """When the operator's quiet hours end, if `moment` falls inside them; else None."""
    start, end = settings.quiet_from, settings.quiet_until
    if start is None or end is None or start == end:
        return None
    local = moment.astimezone(operator_zone(settings.operator))
    now = local.time()
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += timedelta(days=1)
    return ends
