"""Reading the people's bot by long polling (getUpdates), as a scheduled job each minute.

Each update is stored in one transaction with the move of the stored offset
(TelegramBotState): the next poll asks Telegram from that offset + 1, which is what confirms
the update to Telegram, so an update is confirmed only after it was stored. A crash in between
delivers it again, and both the offset and `receive`'s digest of "update:<update_id>" make the
second delivery a no-op: nothing lost, nothing stored twice.

A file is fetched (getFile, then the download) before its transaction; a file Telegram will
not hand over (above its 20 MB) or above the intake's limit is refused with a reason to the
person; a failure that may pass (429, 5xx, no answer) stops the batch there, and the next poll
fetches that update again. What the bot then says (the welcome, a pressed button's answer, the
erasure) follows the commit.

Nothing here logs a chat id, a name or a text: only codes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from refuge.channels.models import TelegramBotState
from refuge.channels.services.inbound import Inbound, choose_urgency, receive, urgency_from_words
from refuge.channels.telegram.bot import (
    URGENCY_PREFIX,
    chat_lookup,
    people_bot,
    urgency_keyboard,
)
from refuge.channels.telegram.erasure import (
    erase_chat,
    forget_undeletable,
    has_unerased_reply,
    remember,
)
from refuge.channels.telegram.updates import (
    ButtonPress,
    FileRef,
    PersonMessage,
    Skipped,
    read_update,
)
from refuge.channels.texts import telegram_welcome, urgency_noted
from refuge.core.telegram import DOWNLOAD_LIMIT, BotClient, TelegramError
from refuge.hotline.models import Channel
from refuge.intake.models import Urgency
from refuge.vault import api as vault

logger = logging.getLogger(__name__)

# Batches of up to 100 updates read in one run of the job.
ROUNDS = 20
ALLOWED_UPDATES = ["message", "callback_query"]

FollowUp = Callable[[BotClient], None]


class FileUnavailable(Exception):
    """A file could not be fetched now (Telegram busy or down): the update waits."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass
class PollRun:
    stored: int = 0
    duplicates: int = 0
    urgencies: int = 0
    commands: int = 0
    erased: int = 0
    skipped: list[str] = field(default_factory=list)
    error: str = ""


def bot_state() -> TelegramBotState:
    state, _created = TelegramBotState.objects.get_or_create(pk=1)
    return state


def _fetch(bot: BotClient, files: tuple[FileRef, ...]) -> tuple[list[bytes], list[str]]:
    """The files' bytes, and a reason for each one refused before or while fetching it."""
    intake_limit = settings.INTAKE_MAX_ATTACHMENT_BYTES
    fetched: list[bytes] = []
    refused: list[str] = []
    for ref in files:
        if ref.size is not None and ref.size > DOWNLOAD_LIMIT:
            refused.append(_too_big_for_telegram())
            continue
        if ref.size is not None and ref.size > intake_limit:
            refused.append(_("The file is too large."))
            continue
        try:
            path = str(bot.get_file(ref.file_id)["file_path"])
            fetched.append(bot.download(path, limit=min(DOWNLOAD_LIMIT, intake_limit)))
        except TelegramError as error:
            if error.code == "too_large":
                refused.append(_("The file is too large."))
            elif error.code == "bad_request" and "too big" in error.description:
                refused.append(_too_big_for_telegram())
            elif error.code == "bad_request":
                refused.append(_("The file could not be received."))
            else:
                raise FileUnavailable(error.code) from None
    return fetched, refused


def _too_big_for_telegram() -> str:
    return _("The file is larger than the 20 MB Telegram lets a bot receive.")


def _welcome(chat_id: int) -> FollowUp:
    def send(bot: BotClient) -> None:
        sent = bot.send_message(chat_id, telegram_welcome(), reply_markup=urgency_keyboard())
        if isinstance(sent.get("message_id"), int):
            remember(chat_lookup(chat_id), sent["message_id"], from_bot=True, at=None)

    return send


def _erase(chat_id: int, run: PollRun, *, asked: bool = False) -> FollowUp:
    def erase(bot: BotClient) -> None:
        run.erased += erase_chat(bot, chat_id, asked=asked)

    return erase


def _answer(callback_id: str, text: str) -> FollowUp:
    def answer(bot: BotClient) -> None:
        bot.answer_callback_query(callback_id, text)

    return answer


def _store_message(
    item: PersonMessage, files: list[bytes], refused: list[str], run: PollRun
) -> list[FollowUp]:
    chat = chat_lookup(item.chat_id)
    remember(chat, item.message_id, from_bot=False, at=item.date)
    if item.command in ("/start", "/help"):
        run.commands += 1
        return [_welcome(item.chat_id)]
    if item.command == "/clear":
        run.commands += 1
        return [_erase(item.chat_id, run, asked=True)]
    text = item.text
    if item.not_kept:
        note = _("[Telegram: a message of a kind the hotline does not keep (%(kinds)s)]") % {
            "kinds": ", ".join(item.not_kept)
        }
        text = f"{text}\n\n{note}".strip()
    with vault.activated(vault.Keyring()):
        received = receive(
            Inbound(
                channel=Channel.TELEGRAM,
                external_id=f"update:{item.update_id}",
                address=str(item.chat_id),
                text=text,
                files=files,
                urgency=urgency_from_words(text),
                refused=refused,
            )
        )
    if received.duplicate:
        run.duplicates += 1
        return []
    run.stored += 1
    # A reply the person wrote after has been read: the chat leaves their phone.
    return [_erase(item.chat_id, run)] if has_unerased_reply(chat) else []


def _store_button(item: ButtonPress, run: PollRun) -> list[FollowUp]:
    choice = item.data.removeprefix(URGENCY_PREFIX)
    if not item.data.startswith(URGENCY_PREFIX) or choice not in Urgency.values:
        run.skipped.append("unknown_button")
        return [_answer(item.callback_id, "")]
    urgency = Urgency(choice)
    with vault.activated(vault.Keyring()):
        received = choose_urgency(
            Inbound(
                channel=Channel.TELEGRAM,
                external_id=f"update:{item.update_id}",
                address=str(item.chat_id),
                text=_("[The person chose by button: %(urgency)s]") % {"urgency": urgency.label},
                urgency=urgency,
            )
        )
    if received.duplicate:
        run.duplicates += 1
        return []
    run.urgencies += 1
    return [_answer(item.callback_id, urgency_noted())]


def _handle(bot: BotClient, update: object, run: PollRun) -> bool:
    """Store one update and move the offset; False when the batch must stop here."""
    item = read_update(update)
    if item.update_id is not None and item.update_id <= bot_state().last_update_id:
        return True  # stored before (an earlier poll, or another worker)
    files: list[bytes] = []
    refused: list[str] = []
    if isinstance(item, PersonMessage) and item.files:
        try:
            files, refused = _fetch(bot, item.files)
        except FileUnavailable as problem:
            run.error = f"file_{problem.code}"
            return False
    follow_ups: list[FollowUp] = []
    with transaction.atomic():
        if item.update_id is not None:
            locked = TelegramBotState.objects.select_for_update().get(pk=1)
            if item.update_id <= locked.last_update_id:
                return True
        if isinstance(item, Skipped):
            logger.warning("people's bot: update skipped (%s)", item.code)
            run.skipped.append(item.code)
        elif isinstance(item, PersonMessage):
            follow_ups = _store_message(item, files, refused, run)
        else:
            follow_ups = _store_button(item, run)
        if item.update_id is not None:
            TelegramBotState.objects.filter(pk=1).update(last_update_id=item.update_id)
    for follow_up in follow_ups:
        try:
            follow_up(bot)
        except TelegramError as error:
            logger.warning("people's bot: answer not sent (%s)", error.code)
    return True


def poll_people_bot(*, timeout: int = 0, rounds: int = ROUNDS) -> PollRun:
    """Store every update waiting for the people's bot; `run.error` says why it stopped."""
    run = PollRun()
    bot = people_bot()
    if bot is None:
        run.error = "channel_off"
        return run
    forget_undeletable()
    for _round in range(rounds):
        offset = bot_state().last_update_id
        try:
            updates = bot.get_updates(
                offset=offset + 1 if offset else None,
                timeout=timeout,
                allowed_updates=ALLOWED_UPDATES,
            )
        except TelegramError as error:
            run.error = error.code
            break
        if not all(_handle(bot, update, run) for update in updates) or not updates:
            break
        timeout = 0
    TelegramBotState.objects.filter(pk=1).update(polled_at=timezone.now(), error=run.error)
    return run
