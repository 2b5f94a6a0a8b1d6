"""The bot erases the conversation from the person's phone; the hotline keeps its copy.

Telegram tells a bot nothing of what the person has read. The rule: a reply has been read
once the person writes again after it; then, and whenever the person sends /clear, the bot
deletes every message of the chat it knows (the person's and its own) with deleteMessage,
which Telegram allows for 48 hours after a message was sent, and says so once. A message the
bot can no longer delete (400 "message can't be deleted", older than 48 hours, or gone) is
forgotten; a failure that may pass (429, 5xx, no answer) keeps the rest for next time.

What is kept for this: each message's bare id and the keyed digest of its chat
(TelegramChatMessage), only until it is deleted or can no longer be.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from refuge.channels.models import TelegramChatMessage
from refuge.channels.telegram.bot import chat_lookup
from refuge.channels.texts import chat_erased
from refuge.core.telegram import BotClient, TelegramError

logger = logging.getLogger(__name__)

DELETE_WINDOW = timedelta(hours=48)


def remember(
    chat: str,
    message_id: int,
    *,
    from_bot: bool,
    is_reply: bool = False,
    until_clear: bool = False,
    at: datetime | None,
) -> None:
    """Keep a message's id until the bot deletes it (`chat` is the chat's digest)."""
    try:
        with transaction.atomic():
            TelegramChatMessage.objects.create(
                chat_lookup=chat,
                message_id=message_id,
                from_bot=from_bot,
                is_reply=is_reply,
                until_clear=until_clear,
                sent_at=at or timezone.now(),
            )
    except IntegrityError:
        pass  # the same message again (a repeated update)


def has_unerased_reply(chat: str) -> bool:
    return TelegramChatMessage.objects.filter(chat_lookup=chat, is_reply=True).exists()


def forget_undeletable(*, now: datetime | None = None) -> int:
    """Ids of messages past Telegram's 48 hours: nothing can delete them any more."""
    cutoff = (now or timezone.now()) - DELETE_WINDOW
    return TelegramChatMessage.objects.filter(sent_at__lt=cutoff).delete()[0]


def erase_chat(
    bot: BotClient, chat_id: int, *, asked: bool = False, now: datetime | None = None
) -> int:
    """Delete the chat's messages from the person's phone; the number deleted. Says so once
    (its notice is itself erased the next time). The web mailbox invitation goes only when
    the person `asked` (/clear): its code must not vanish before they learnt it."""
    chat = chat_lookup(chat_id)
    cutoff = (now or timezone.now()) - DELETE_WINDOW
    deleted = 0
    rows = TelegramChatMessage.objects.filter(chat_lookup=chat)
    if not asked:
        rows = rows.filter(until_clear=False)
    for row in rows.order_by("message_id"):
        if row.sent_at < cutoff:
            row.delete()
            continue
        try:
            bot.delete_message(chat_id, row.message_id)
        except TelegramError as error:
            if error.code == "bad_request":  # too old to delete, or already gone
                row.delete()
                continue
            if error.code == "blocked":
                TelegramChatMessage.objects.filter(chat_lookup=chat).delete()
                return deleted
            logger.warning("people's bot: deleting stopped (%s); next time", error.code)
            return deleted
        row.delete()
        deleted += 1
    if deleted:
        try:
            notice = bot.send_message(chat_id, chat_erased())
        except TelegramError as error:
            logger.warning("people's bot: erasure notice not sent (%s)", error.code)
        else:
            message_id = notice.get("message_id")
            if isinstance(message_id, int):
                remember(chat, message_id, from_bot=True, at=None)
    return deleted
