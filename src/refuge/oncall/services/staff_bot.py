"""The staff bot: a Telegram bot that carries alarms to operators (never the people's bot).

Linking: the operator asks the console for a one-time code (kept only as a keyed hash, valid
TELEGRAM_LINK_MINUTES) and sends "/start CODE" to the bot, by hand or through the deep link
https://t.me/<bot>?start=CODE. The worker polls getUpdates each minute (`poll_staff_bot`);
an update is handled in one transaction with the bump of the stored offset, so each update
counts once, however often it is fetched, and the next poll (asking from offset + 1) confirms
it to Telegram only after it was written. The chat id is sealed with the server's key; the
bot's replies say only "linked" or "not linked", after the commit.

Nothing here logs a chat id, a name or a text: only codes.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.telegram import BotClient, TelegramError
from refuge.oncall.models import AlarmSettings, ChannelChoice, StaffBotState, TelegramLinkCode
from refuge.oncall.services.preferences import TELEGRAM_LABEL
from refuge.vault import api as vault

logger = logging.getLogger(__name__)

# No 0/O, 1/I/L: a code read off a screen and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def staff_bot() -> BotClient | None:
    """The staff bot, or None when REFUGE_TELEGRAM_STAFF_TOKEN is not set."""
    token = settings.TELEGRAM_STAFF_TOKEN
    if not token:
        return None
    return BotClient(token, base_url=settings.TELEGRAM_API_URL, timeout=settings.ALARM_SEND_TIMEOUT)


def _digest(code: str) -> str:
    return vault.keyed_digest("telegram-link", code.strip().upper())


def bot_state() -> StaffBotState:
    state, _created = StaffBotState.objects.get_or_create(pk=1)
    return state


@dataclass(frozen=True, slots=True)
class LinkCode:
    code: str
    expires_at: datetime
    deep_link: str  # "" while the bot's name is not known yet


@transaction.atomic
def start_linking(operator: Operator) -> LinkCode:
    """A new one-time code for `operator` (any earlier one stops working)."""
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = timezone.now() + timedelta(minutes=settings.TELEGRAM_LINK_MINUTES)
    TelegramLinkCode.objects.update_or_create(
        operator=operator, defaults={"digest": _digest(code), "expires_at": expires_at}
    )
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=operator,
        target_type="oncall.AlarmSettings",
        target_id=operator.pk,
        details={"telegram": "code_issued"},
    )
    name = bot_state().bot_username or settings.TELEGRAM_STAFF_BOT_NAME
    link = f"https://t.me/{name}?start={code}" if name else ""
    return LinkCode(code=code, expires_at=expires_at, deep_link=link)


@transaction.atomic
def unlink_telegram(operator: Operator) -> None:
    AlarmSettings.objects.filter(operator=operator).update(telegram_chat_sealed=None)
    AlarmSettings.objects.filter(operator=operator, channels=ChannelChoice.TELEGRAM).update(
        channels=ChannelChoice.EMAIL
    )
    AlarmSettings.objects.filter(operator=operator, channels=ChannelChoice.BOTH).update(
        channels=ChannelChoice.EMAIL
    )
    TelegramLinkCode.objects.filter(operator=operator).delete()
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=operator,
        target_type="oncall.AlarmSettings",
        target_id=operator.pk,
        details={"telegram": "unlinked"},
    )


@dataclass
class PollRun:
    linked: int = 0
    refused: int = 0
    skipped: int = 0
    error: str = ""
    replies: list[tuple[int, str]] = field(default_factory=list)


def _link(chat_id: int, code: str, now: datetime) -> Operator | None:
    found = (
        TelegramLinkCode.objects.select_for_update()
        .select_related("operator")
        .filter(digest=_digest(code))
        .first()
    )
    if found is None:
        return None
    operator = found.operator
    TelegramLinkCode.objects.filter(pk=operator.pk).delete()  # one use, even when too late
    if found.expires_at <= now or not operator.is_active:
        return None
    preferences, _created = AlarmSettings.objects.get_or_create(operator=operator)
    AlarmSettings.objects.filter(pk=preferences.pk).update(
        telegram_chat_sealed=vault.seal_server_secret(str(chat_id), label=TELEGRAM_LABEL)
    )
    record_event(
        AuditAction.SETTINGS_CHANGED,
        actor=operator,
        target_type="oncall.AlarmSettings",
        target_id=operator.pk,
        details={"telegram": "linked"},
    )
    return operator


def _private_message(update: dict[str, Any]) -> tuple[int, str] | None:
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat")
    text = message.get("text")
    if not isinstance(chat, dict) or chat.get("type") != "private":
        return None
    chat_id = chat.get("id")
    if not isinstance(chat_id, int) or not isinstance(text, str):
        return None
    return chat_id, text


def _reply(operator: Operator | None, text: str) -> str:
    """What the bot answers, content-free: in the operator's language once known."""
    with translation.override((operator.language if operator else "") or settings.LANGUAGE_CODE):
        if operator is not None:
            return _(
                "Linked: Refuge alarms will reach you here. You can unlink in the console "
                "under On call."
            )
        if text.startswith("/start") and text.split(maxsplit=1)[1:]:
            return _(
                "This code is not valid: it is wrong, used or expired. Ask the console for a "
                "new one (On call → Where your alarms go)."
            )
        return _(
            "This bot only carries Refuge alarms to staff. To link your account, send the "
            "code the console shows you: /start CODE"
        )


def _handle(update: dict[str, Any], run: PollRun, now: datetime) -> None:
    found = _private_message(update)
    if found is None:
        run.skipped += 1
        return
    chat_id, text = found
    operator = None
    words = text.strip().split()
    if len(words) == 2 and words[0].split("@")[0] == "/start":
        operator = _link(chat_id, words[1], now)
        if operator is None:
            run.refused += 1
        else:
            run.linked += 1
    run.replies.append((chat_id, _reply(operator, text.strip())))


def handle_updates(updates: list[Any], run: PollRun, *, now: datetime) -> None:
    """Handle each update whose id is above the stored offset, and move the offset, in one
    transaction per update: a second worker holding the same batch skips what the first did."""
    for update in updates:
        update_id = update.get("update_id") if isinstance(update, dict) else None
        if not isinstance(update_id, int):
            logger.warning("staff bot: malformed update skipped")
            run.skipped += 1
            continue
        with transaction.atomic():
            locked = StaffBotState.objects.select_for_update().get(pk=1)
            if update_id <= locked.last_update_id:
                continue  # another worker, or an earlier poll, handled it
            _handle(update, run, now)
            StaffBotState.objects.filter(pk=1).update(last_update_id=update_id)


def poll_staff_bot(*, timeout: int = 0, now: datetime | None = None) -> PollRun:
    """Fetch the bot's new updates and handle each once; the bot's replies follow the commit.

    Several workers may poll at once: each update is handled under the state row's lock, and
    one whose id is not above the stored offset is skipped."""
    run = PollRun()
    bot = staff_bot()
    if bot is None:
        return run
    state = bot_state()
    try:
        if not state.bot_username:
            name = bot.get_me().get("username")
            if isinstance(name, str):
                StaffBotState.objects.filter(pk=1).update(bot_username=name[:64])
        updates = bot.get_updates(
            offset=state.last_update_id + 1 if state.last_update_id else None,
            timeout=timeout,
            allowed_updates=["message"],
        )
    except TelegramError as error:
        run.error = error.code
        if error.code == "conflict":  # another worker is polling at this moment: its turn
            return run
        logger.warning("staff bot poll failed: %s", error.code)
        StaffBotState.objects.filter(pk=1).update(polled_at=timezone.now(), error=error.code)
        return run
    handle_updates(updates, run, now=now or timezone.now())
    StaffBotState.objects.filter(pk=1).update(polled_at=timezone.now(), error="")
    for chat_id, text in run.replies:
        try:
            bot.send_message(chat_id, text)
        except TelegramError as error:
            logger.warning("staff bot reply not sent: %s", error.code)
    return run
