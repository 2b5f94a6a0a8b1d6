"""Building blocks for the on-call tests: real operators, real SMTP on loopback
(refuge.testing.smtp)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.oncall.models import Position, Shift
from refuge.oncall.services.preferences import save_alarm_settings, settings_of
from refuge.testing import make_operator
from refuge.testing.telegram import BotApi, telegram_bot_api


def with_alarm_email(operator: Operator, address: str | None = None) -> Operator:
    current = settings_of(operator)
    save_alarm_settings(
        operator=operator,
        email=address or f"{operator.username}@alarms.test",
        quiet_from=None,
        quiet_until=None,
        expected_version=current.version,
    )
    return operator


def on_shift(operator: Operator, position: Position = Position.PRIMARY, hours: int = 8) -> Shift:
    now = timezone.now()
    return Shift.objects.create(
        operator=operator,
        position=position,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=hours),
    )


def staff() -> dict[str, Operator]:
    """An operator on call, a second person, an operator off duty and a coordinator; each
    with an alarm address."""
    people = {
        "on_call": make_operator("dezhurny", intake=True),
        "second": make_operator("vtoroy"),
        "off_duty": make_operator("otdykh"),
        "coordinator": make_operator("koordinator", Role.COORDINATOR),
    }
    for operator in people.values():
        with_alarm_email(operator)
    on_shift(people["on_call"])
    on_shift(people["second"], Position.BACKUP)
    return people


@contextmanager
def staff_bot_settings(settings: Any) -> Iterator[BotApi]:
    """The staff bot talks to a Telegram Bot API on loopback while the block runs."""
    with telegram_bot_api() as api:
        settings.TELEGRAM_STAFF_TOKEN = api.token
        settings.TELEGRAM_API_URL = api.base_url
        settings.TELEGRAM_STAFF_BOT_NAME = ""
        settings.ALARM_SEND_TIMEOUT = 5
        yield api
