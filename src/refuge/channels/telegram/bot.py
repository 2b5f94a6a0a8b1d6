"""The people's bot (its token from the console, or REFUGE_TELEGRAM_TOKEN): a Telegram bot
people write to, never the staff bot that carries alarms (oncall). Off while its token is
empty."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from refuge.channels.config import telegram_token
from refuge.channels.services.addresses import address_lookup
from refuge.channels.texts import urgency_button
from refuge.core.telegram import BotClient
from refuge.hotline.models import Channel
from refuge.intake.models import Urgency

# callback_data of an urgency button: "urgency:<Urgency value>" (Telegram allows 64 bytes).
URGENCY_PREFIX = "urgency:"


def is_configured() -> bool:
    return bool(telegram_token())


def people_bot(token: str | None = None) -> BotClient | None:
    """The bot with the configured token (or `token`, to test one before saving it)."""
    token = telegram_token() if token is None else token
    if not token:
        return None
    return BotClient(
        token, base_url=settings.TELEGRAM_API_URL, timeout=settings.CHANNEL_TELEGRAM_TIMEOUT
    )


def chat_lookup(chat_id: int | str) -> str:
    """The keyed digest that names a chat (the conversation's address_lookup)."""
    return address_lookup(Channel.TELEGRAM, str(chat_id))


def urgency_keyboard() -> dict[str, Any]:
    """The web form's urgency choices as inline buttons, one per row, most urgent first."""
    return {
        "inline_keyboard": [
            [{"text": urgency_button(choice.label), "callback_data": URGENCY_PREFIX + choice}]
            for choice in Urgency
        ]
    }
