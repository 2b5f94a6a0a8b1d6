"""Messages to a person by the people's bot (the outbox's Telegram sender)."""

from __future__ import annotations

from refuge.channels.models import Outbound, OutboundKind
from refuge.channels.telegram.bot import people_bot, urgency_keyboard
from refuge.channels.telegram.erasure import remember
from refuge.core.outbox import SendFailed
from refuge.core.telegram import TelegramError


def _failure(error: TelegramError) -> SendFailed:
    if error.code == "blocked":  # the person blocked the bot: no retry can mend it
        return SendFailed("blocked", final=True)
    if error.code == "bad_request":  # the chat is gone, or Telegram refuses the message
        return SendFailed("refused", final=True)
    if error.code == "rate_limited":
        return SendFailed("rate_limited", retry_after=error.retry_wait)
    return SendFailed(f"telegram_{error.code}")


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
