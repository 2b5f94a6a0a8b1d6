"""Each operator's own alarm settings: an e-mail address for alarms, and quiet hours."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.concurrency import save_with_version
from refuge.oncall.models import AlarmSettings
from refuge.vault import api as vault

EMAIL_LABEL = "alarm-email"


def settings_of(operator: Operator) -> AlarmSettings:
    found = AlarmSettings.objects.filter(operator=operator).first()
    return found or AlarmSettings(operator=operator)


def alarm_email(settings: AlarmSettings) -> str:
    """The operator's alarm address, or "" (none set, or sealed under another secret key)."""
    return vault.open_server_secret(settings.email_sealed, label=EMAIL_LABEL) or ""


@transaction.atomic
def save_alarm_settings(
    *,
    operator: Operator,
    email: str,
    quiet_from: time | None,
    quiet_until: time | None,
    expected_version: int,
) -> AlarmSettings:
    """Only the operator sets their own: nobody else learns or changes where alarms go."""
    settings, created = AlarmSettings.objects.get_or_create(operator=operator)
    settings.email_sealed = vault.seal_server_secret(email, label=EMAIL_LABEL) if email else None
    settings.quiet_from, settings.quiet_until = quiet_from, quiet_until
    fields = ("email_sealed", "quiet_from", "quiet_until")
    save_with_version(
        settings, fields, expected_version=settings.version if created else expected_version
    )
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=operator,
        target_type="oncall.AlarmSettings",
        target_id=operator.pk,
        details={"email": bool(email), "quiet_hours": quiet_from is not None},
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
