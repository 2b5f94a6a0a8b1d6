"""Messages to a person by the people's bot (the outbox's Telegram sender)."""

from __future__ import annotations

from refuge.channels.models import Outbound, OutboundKind
from refuge.channels.telegram.bot import people_bot, urgency_keyboard
from refuge.channels.telegram.erasure import remember
from refuge.core.outbox import SendFailed
from refuge.core.telegram import TelegramError

# The person blocked the bot; the chat is gone, or Telegram refuses the message: both final.
_CODES = {"blocked": "blocked", "bad_request": "refused"}


def _failure(error: TelegramError) -> SendFailed:
    if error.code == "rate_limited":
        return SendFailed("rate_limited", retry_after=error.retry_wait)
    return SendFailed(_CODES.get(error.code, f"telegram_{error.code}"), final=error.final)


def send_telegram(address: str, text: str, outbound: Outbound) -> None:
    bot = people_bot()
    if bot is None:
        raise SendFailed("channel_off")
    # The greeting asks how urgent it is with the web form's choices as buttons.
    keyboard = urgency_keyboard() if outbound.kind == OutboundKind.GREETING else None
    try:
        sent = bot.send_message(int(address), text, reply_markup=keyboard)
    except TelegramError as error:
        raise _failure(error) from None
    except ValueError:  # not a chat id
        raise SendFailed("no_address", final=True) from None
    message_id = sent.get("message_id")
    if isinstance(message_id, int):
        remember(
            outbound.conversation.address_lookup,
            message_id,
            from_bot=True,
            is_reply=outbound.kind == OutboundKind.REPLY,
            until_clear=outbound.kind == OutboundKind.INVITATION,
            at=None,
        )
