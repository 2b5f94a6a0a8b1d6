"""Coordinators set up the channels in the console: saved (audited, the secret sealed, never
shown again) and tested ("test connection") without reading or sending anything."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.channels.config import email_config, open_secret, seal_secret
from refuge.channels.email.mailbox import MailboxUnavailable, check_mailbox
from refuge.channels.models import ChannelSettings
from refuge.channels.telegram.bot import people_bot
from refuge.core.concurrency import save_with_version
from refuge.core.telegram import TelegramError
from refuge.hotline.models import Channel


@dataclass(frozen=True, slots=True)
class ChannelChanges:
    enabled: bool
    options: dict[str, object]
    secret: str = field(default="", repr=False)  # "" keeps the saved one


def settings_row(channel: str) -> ChannelSettings:
    """The channel's saved settings, or a new unsaved row."""
    return ChannelSettings.objects.filter(channel=channel).first() or ChannelSettings(
        channel=channel
    )


@transaction.atomic
def save_channel(
    *, operator: Operator, channel: str, changes: ChannelChanges, expected_version: int
) -> ChannelSettings:
    require(operator, Capability.SUPERVISE_HOTLINE)
    row = settings_row(channel)
    row.options = changes.options
    row.is_enabled = changes.enabled
    row.updated_by = operator
    if changes.secret:
        row.secret = seal_secret(channel, changes.secret)
    if row.pk is None:
        row.save()
    else:
        save_with_version(
            row,
            ["options", "is_enabled", "updated_by", "secret", "updated_at"],
            expected_version=expected_version,
        )
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=operator,
        target=row,
        details={
            "channel": channel,
            "enabled": changes.enabled,
            "secret_changed": bool(changes.secret),
        },
    )
    return row


def _email_check(row: ChannelSettings) -> str:
    config = email_config() if row.pk is not None else None
    if config is None:
        return "not_configured"
    try:
        check_mailbox(config)
    except MailboxUnavailable as problem:
        return problem.code
    return "ok"


def _telegram_check(row: ChannelSettings) -> str:
    bot = people_bot(open_secret(row)) if row.pk is not None else None
    if bot is None:
        return "not_configured"
    try:
        bot.get_me()
    except TelegramError as error:
        return f"telegram_{error.code}"
    return "ok"


def check_connection(*, operator: Operator, channel: str) -> str:
    """Log in to the mailbox, or ask Telegram who the bot is; the result's code, kept on the
    settings and audited."""
    require(operator, Capability.SUPERVISE_HOTLINE)
    row = settings_row(channel)
    result = _email_check(row) if channel == Channel.EMAIL else _telegram_check(row)
    if row.pk is not None:
        ChannelSettings.objects.filter(pk=row.pk).update(
            checked_at=timezone.now(), check_result=result
        )
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=operator,
        target_type="channels.ChannelSettings",
        target_id=channel,
        details={"channel": channel, "connection_check": result},
    )
    return result
