"""How each channel is reached: the console's settings (ChannelSettings) when a coordinator
saved them, else the environment (REFUGE_CHANNEL_EMAIL_*, REFUGE_TELEGRAM_TOKEN)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from refuge.channels.models import ChannelSettings
from refuge.hotline.models import Channel
from refuge.vault import api as vault

SECURITY_CHOICES = ("tls", "starttls", "none")


def _secret_label(channel: str) -> str:
    return f"channel-settings:{channel}"


def seal_secret(channel: str, value: str) -> bytes:
    return vault.seal_server_secret(value, label=_secret_label(channel))


def open_secret(row: ChannelSettings) -> str:
    return vault.open_server_secret(row.secret, label=_secret_label(row.channel)) or ""


@dataclass(frozen=True, slots=True)
class EmailConfig:
    host: str
    port: int
    security: str
    user: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    delete_sealed: bool = True
    address: str = ""


def _saved(channel: str) -> ChannelSettings | None:
    return ChannelSettings.objects.filter(channel=channel).first()


def email_config() -> EmailConfig | None:
    """The mailbox to read, or None while the e-mail channel is off."""
    row = _saved(Channel.EMAIL)
    if row is not None:
        if not row.is_enabled or not row.options.get("host"):
            return None
        options = row.options
        return EmailConfig(
            host=str(options["host"]),
            port=int(options.get("port", 993)),
            security=str(options.get("security", "tls")),
            user=str(options.get("user", "")),
            password=open_secret(row),
            folder=str(options.get("folder") or "INBOX"),
            delete_sealed=bool(options.get("delete_sealed", True)),
            address=str(options.get("address", "")),
        )
    if not settings.CHANNEL_EMAIL_IMAP_HOST:
        return None
    return EmailConfig(
        host=settings.CHANNEL_EMAIL_IMAP_HOST,
        port=settings.CHANNEL_EMAIL_IMAP_PORT,
        security=settings.CHANNEL_EMAIL_IMAP_SECURITY,
        user=settings.CHANNEL_EMAIL_IMAP_USER,
        password=settings.CHANNEL_EMAIL_IMAP_PASSWORD,
        folder=settings.CHANNEL_EMAIL_IMAP_FOLDER,
        delete_sealed=settings.CHANNEL_EMAIL_DELETE_SEALED,
        address=settings.CHANNEL_EMAIL_ADDRESS,
    )


def reply_address() -> str:
    """The address replies come from: the mailbox people write to."""
    config = email_config()
    return (config.address if config else "") or settings.DEFAULT_FROM_EMAIL


def telegram_token() -> str:
    """The people's bot's token, or "" while the Telegram channel is off."""
    row = _saved(Channel.TELEGRAM)
    if row is not None:
        return open_secret(row) if row.is_enabled else ""
    return str(settings.CHANNEL_TELEGRAM_TOKEN)
