"""What an update from the Bot API is, read without trusting its shape: a person's message
in a private chat, a pressed button, or something skipped with a code (never a crash)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# Message parts that carry a file the intake may keep (photos: the largest size).
FILE_PARTS = ("document", "voice", "audio", "video", "video_note")
# Parts the hotline does not keep: the message says what came, not what it held.
NOT_KEPT = ("sticker", "location", "venue", "contact", "poll", "dice", "animation")
COMMANDS = ("/start", "/help", "/clear")


@dataclass(frozen=True, slots=True)
class FileRef:
    file_id: str = field(repr=False)
    size: int | None = None


@dataclass(frozen=True, slots=True)
class PersonMessage:
    update_id: int
    chat_id: int = field(repr=False)
    message_id: int
    date: datetime
    text: str = field(repr=False)
    command: str = ""  # "/start", "/help", "/clear", or ""
    files: tuple[FileRef, ...] = ()
    not_kept: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ButtonPress:
    update_id: int
    callback_id: str = field(repr=False)
    chat_id: int = field(repr=False)
    data: str


@dataclass(frozen=True, slots=True)
class Skipped:
    update_id: int | None
    code: str


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _file(part: Any) -> FileRef | None:
    if not isinstance(part, dict) or not isinstance(part.get("file_id"), str):
        return None
    return FileRef(file_id=part["file_id"], size=_int(part.get("file_size")))


def _date(value: Any) -> datetime:
    seconds = _int(value)
    return datetime.fromtimestamp(seconds, tz=UTC) if seconds else datetime.now(tz=UTC)


def _message(update_id: int, message: dict[str, Any]) -> PersonMessage | Skipped:
    chat = message.get("chat")
    if not isinstance(chat, dict):
        return Skipped(update_id, "malformed")
    if chat.get("type") != "private":
        return Skipped(update_id, "not_private")  # a group or a channel is not a person
    chat_id, message_id = _int(chat.get("id")), _int(message.get("message_id"))
    if chat_id is None or message_id is None:
        return Skipped(update_id, "malformed")
    text = message.get("text")
    if not isinstance(text, str):
        caption = message.get("caption")
        text = caption if isinstance(caption, str) else ""
    files: list[FileRef] = []
    photo = message.get("photo")
    if isinstance(photo, list) and photo:
        found = _file(photo[-1])  # Telegram lists the sizes smallest first
        if found is None:
            return Skipped(update_id, "malformed")
        files.append(found)
    for name in FILE_PARTS:
        if name in message:
            found = _file(message[name])
            if found is None:
                return Skipped(update_id, "malformed")
            files.append(found)
    first = text.strip().split(maxsplit=1)[0].split("@")[0].casefold() if text.strip() else ""
    command = first if first in COMMANDS and not files else ""
    return PersonMessage(
        update_id=update_id,
        chat_id=chat_id,
        message_id=message_id,
        date=_date(message.get("date")),
        text=text,
        command=command,
        files=tuple(files),
        not_kept=tuple(name for name in NOT_KEPT if name in message),
    )


def _button(update_id: int, query: dict[str, Any]) -> ButtonPress | Skipped:
    callback_id, data = query.get("id"), query.get("data")
    message = query.get("message")
    chat = message.get("chat") if isinstance(message, dict) else None
    chat_id = _int(chat.get("id")) if isinstance(chat, dict) else None
    if not isinstance(callback_id, str) or not isinstance(data, str) or chat_id is None:
        return Skipped(update_id, "malformed")
    if not isinstance(chat, dict) or chat.get("type") != "private":
        return Skipped(update_id, "not_private")
    return ButtonPress(update_id=update_id, callback_id=callback_id, chat_id=chat_id, data=data)


def read_update(update: Any) -> PersonMessage | ButtonPress | Skipped:
    update_id = _int(update.get("update_id")) if isinstance(update, dict) else None
    if update_id is None:
        return Skipped(None, "malformed")
    assert isinstance(update, dict)
    message = update.get("message")
    if isinstance(message, dict):
        return _message(update_id, message)
    query = update.get("callback_query")
    if isinstance(query, dict):
        return _button(update_id, query)
    if "message" in update or "callback_query" in update:
        return Skipped(update_id, "malformed")
    return Skipped(update_id, "unsupported")  # an edited message, a channel post, ...
