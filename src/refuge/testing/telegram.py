"""A faithful Telegram Bot API on loopback for tests: the code under test calls it over HTTP
exactly as it calls https://api.telegram.org, and the test plays the people who write to the
bot and reads what the bot sent.

What it does as Telegram does (https://core.telegram.org/bots/api):
- /bot<token>/<method>, parameters as a JSON body, a form or the query string; every answer is
  {"ok": true, "result": ...} or {"ok": false, "error_code": N, "description": "..."}; a
  wrong token is 401 "Unauthorized", an unknown method 404 "Not Found";
- getMe; getUpdates with `offset` (confirms, and forgets, every update below it; a negative
  offset keeps only the last -offset), `limit` and `timeout` (long polling: the call waits
  until an update arrives or the timeout passes); a second getUpdates while one waits ends the
  first with 409 "Conflict: terminated by other getUpdates request";
- sendMessage to a chat that has written to the bot (another is 400 "Bad Request: chat not
  found"; a user who blocked the bot is 403 "Forbidden: bot was blocked by the user");
  deleteMessage of a message in a chat with the bot, the bot's or (a private chat) the
  person's, younger than 48 hours (an older one is 400 "Bad Request: message can't be
  deleted", one already gone 400 "Bad Request: message to delete not found");
- photos and documents from the person (`user_sends_photo`, `user_sends_document`), getFile
  (400 "Bad Request: file is too big" above the 20 MB a bot may download) and the download
  from /file/bot<token>/<file_path>; inline keyboards on sendMessage (`reply_markup`), a
  pressed button as a callback_query update (`user_presses`) and answerCallbackQuery.
For failure tests: `fail_next(method, status, description, retry_after=...)` answers the next
calls of a method with an error (429 carries parameters.retry_after, as Telegram's does; with
`page=True` the answer is a proxy's HTML page, as Telegram's 502 is), `fail_every` fails one
call in N (a 502 page, every other one a 429), and `delay` makes every answer late.

One class serves any bot (the staff bot, the people's bot): each test starts its own.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

# Telegram lets a bot download files up to this size, and delete messages up to this age.
DOWNLOAD_LIMIT = 20 * 1024 * 1024
DELETE_WINDOW = 48 * 3600


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    text: str
    date: float = field(default_factory=time.time)
    reply_markup: dict[str, Any] | None = None


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    page: bool = False


@dataclass
class BotApi:
    """The state of one bot as Telegram keeps it, and the test's handles on it."""

    token: str = "123456:TEST-staff-bot-token"  # noqa: S105 - a test bot's, on loopback
    username: str = "refuge_staff_test_bot"
    bot_id: int = 123456
    delay: float = 0.0
    updates: list[dict[str, Any]] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    deleted: list[tuple[int, int]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    known_chats: set[int] = field(default_factory=set)
    failures: dict[str, list[_Failure]] = field(default_factory=dict)
    # What the person sent (still in the chat unless deleted), files by file_id, answers to
    # pressed buttons (callback id -> text shown).
    received: list[SentMessage] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    answered: dict[str, str] = field(default_factory=dict)
    fail_every: int = 0
    base_url: str = ""
    _next_update: int = 700_000_001
    _next_message: int = 1
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _poll_generation: int = 0
    _calls_counted: int = 0
    _callbacks: set[str] = field(default_factory=set)

    # --- what a test does -------------------------------------------------------------------

    def user_writes(self, chat_id: int, text: str, *, first_name: str = "Оператор") -> int:
        """A person sends `text` to the bot in their private chat; returns the update_id."""
        return self._user_sends(chat_id, {"text": text}, first_name=first_name)

    def user_sends_photo(
        self, chat_id: int, data: bytes, *, caption: str = "", first_name: str = "Человек"
    ) -> int:
        """A photo, as Telegram delivers one: sizes smallest first, the last the original."""
        with self._lock:
            small, large = self._store_file(data[:64]), self._store_file(data)
        sizes = [
            {**small, "width": 90, "height": 90},
            {**large, "width": 1280, "height": 960},
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self._user_sends(chat_id, content, first_name=first_name)

    def user_sends_document(
        self,
        chat_id: int,
        data: bytes,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str = "",
        first_name: str = "Человек",
    ) -> int:
        with self._lock:
            stored = self._store_file(data)
        content: dict[str, Any] = {
            "document": {**stored, "file_name": file_name, "mime_type": mime_type}
        }
        if caption:
            content["caption"] = caption
        return self._user_sends(chat_id, content, first_name=first_name)

    def user_presses(self, chat_id: int, message_id: int, data: str) -> int:
        """The person presses an inline button (its callback_data) under the bot's message."""
        with self._lock:
            update_id = self._next_update
            self._next_update += 1
            callback_id = f"cb{update_id}"
            self._callbacks.add(callback_id)
            person = {"id": chat_id, "is_bot": False, "first_name": "Человек"}
            self.updates.append(
                {
                    "update_id": update_id,
                    "callback_query": {
                        "id": callback_id,
                        "from": person,
                        "message": {
                            "message_id": message_id,
                            "chat": {"id": chat_id, "type": "private"},
                            "date": int(time.time()),
                        },
                        "chat_instance": str(chat_id * 7),
                        "data": data,
                    },
                }
            )
            self._lock.notify_all()
            return update_id

    def _store_file(self, data: bytes) -> dict[str, Any]:
        file_id = f"file{len(self.files) + 1}"
        self.files[file_id] = data
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data)}

    def _user_sends(self, chat_id: int, content: dict[str, Any], *, first_name: str) -> int:
        with self._lock:
            update_id = self._next_update
            self._next_update += 1
            self.known_chats.add(chat_id)
            message_id = self._take_message_id()
            self.received.append(
                SentMessage(
                    chat_id, message_id, str(content.get("text", content.get("caption", "")))
                )
            )
            self.updates.append(
                {
                    "update_id": update_id,
                    "message": {
                        "message_id": message_id,
                        "from": {"id": chat_id, "is_bot": False, "first_name": first_name},
                        "chat": {"id": chat_id, "type": "private", "first_name": first_name},
                        "date": int(time.time()),
                        **content,
                    },
                }
            )
            self._lock.notify_all()
            return update_id

    def last_message_id(self, chat_id: int) -> int:
        """The id of the person's last message in the chat."""
        with self._lock:
            return [m.message_id for m in self.received if m.chat_id == chat_id][-1]

    def chat(self, chat_id: int) -> list[SentMessage]:
        """What the person's phone shows of the chat: both sides, not deleted, in order."""
        with self._lock:
            shown = [m for m in (*self.received, *self.sent) if m.chat_id == chat_id]
        return sorted(shown, key=lambda message: message.message_id)

    def age(self, chat_id: int, seconds: float) -> None:
        """Every message in the chat becomes `seconds` older (past 48 h, undeletable)."""
        with self._lock:
            for message in (*self.received, *self.sent):
                if message.chat_id == chat_id:
                    message.date -= seconds

    def take_update_id(self) -> int:
        """The next update_id, for an update the test writes itself."""
        with self._lock:
            update_id = self._next_update
            self._next_update += 1
            return update_id

    def raw_update(self, update: dict[str, Any]) -> None:
        """Queue an update as given (a malformed one, say)."""
        with self._lock:
            self.updates.append(update)
            self._lock.notify_all()

    def blocks_the_bot(self, chat_id: int) -> None:
        with self._lock:
            self.blocked.add(chat_id)

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        *,
        times: int = 1,
        retry_after: int = 0,
        page: bool = False,
    ) -> None:
        with self._lock:
            self.failures.setdefault(method, []).extend(
                [_Failure(status, description, retry_after or None, page)] * times
            )

    def sent_to(self, chat_id: int) -> list[str]:
        with self._lock:
            return [message.text for message in self.sent if message.chat_id == chat_id]

    def pending_updates(self) -> int:
        with self._lock:
            return len(self.updates)

    # --- what Telegram does -----------------------------------------------------------------

    def _take_message_id(self) -> int:
        message_id = self._next_message
        self._next_message += 1
        return message_id

    def answer(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if self.delay:
            time.sleep(self.delay)
        if token != self.token:
            return _error(401, "Unauthorized")
        failed = self._failure(method)
        if failed is not None:
            return failed
        handler = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "sendMessage": self._send_message,
            "deleteMessage": self._delete_message,
            "getFile": self._get_file,
            "answerCallbackQuery": self._answer_callback_query,
        }.get(method)
        if handler is None:
            return _error(404, "Not Found")
        return handler(params)

    def _failure(self, method: str) -> tuple[int, Any] | None:
        """A failure the test asked for, or None."""
        with self._lock:
            self.calls.append(method)
            queued = self.failures.get(method)
            if queued:
                failure = queued.pop(0)
                if failure.page:
                    return failure.status, _PAGE
                return _error(failure.status, failure.description, failure.retry_after)
            if self.fail_every:
                self._calls_counted += 1
                if self._calls_counted % self.fail_every == 0:
                    if (self._calls_counted // self.fail_every) % 2:
                        return 502, _PAGE
                    return _error(429, "Too Many Requests: retry after 1", 1)
        return None

    def _get_me(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return _ok(
            {"id": self.bot_id, "is_bot": True, "first_name": "Refuge", "username": self.username}
        )

    def _get_updates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        try:
            offset = int(params.get("offset", 0))
            limit = min(max(int(params.get("limit", 100)), 1), 100)
            timeout = max(float(params.get("timeout", 0)), 0.0)
        except (TypeError, ValueError):
            return _error(400, "Bad Request: wrong parameter")
        deadline = time.monotonic() + timeout
        with self._lock:
            self._poll_generation += 1
            generation = self._poll_generation
            self._lock.notify_all()
            if offset > 0:
                self.updates = [u for u in self.updates if _update_id(u) >= offset]
            elif offset < 0:
                self.updates = self.updates[offset:]
            while not self.updates:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
                if self._poll_generation != generation:
                    return _error(409, "Conflict: terminated by other getUpdates request")
            return _ok(list(self.updates[:limit]))

    def _chat_of(self, params: dict[str, Any]) -> int | tuple[int, dict[str, Any]]:
        try:
            chat_id = int(params["chat_id"])
        except (KeyError, TypeError, ValueError):
            return _error(400, "Bad Request: chat_id is empty")
        if chat_id in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self.known_chats:
            return _error(400, "Bad Request: chat not found")
        return chat_id

    def _send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        text = params.get("text")
        with self._lock:
            chat = self._chat_of(params)
            if isinstance(chat, tuple):
                return chat
            if not isinstance(text, str) or not text.strip():
                return _error(400, "Bad Request: message text is empty")
            if len(text) > 4096:
                return _error(400, "Bad Request: message is too long")
            markup = params.get("reply_markup")
            message = SentMessage(
                chat,
                self._take_message_id(),
                text,
                reply_markup=markup if isinstance(markup, dict) else None,
            )
            self.sent.append(message)
        return _ok(
            {
                "message_id": message.message_id,
                "from": {"id": self.bot_id, "is_bot": True, "username": self.username},
                "chat": {"id": chat, "type": "private"},
                "date": int(time.time()),
                "text": text,
            }
        )

    def _delete_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            chat = self._chat_of(params)
            if isinstance(chat, tuple):
                return chat
            try:
                message_id = int(params["message_id"])
            except (KeyError, TypeError, ValueError):
                return _error(400, "Bad Request: message identifier is not specified")
            for kept in (self.sent, self.received):
                found = [m for m in kept if m.chat_id == chat and m.message_id == message_id]
                if found:
                    break
            else:
                return _error(400, "Bad Request: message to delete not found")
            if time.time() - found[0].date > DELETE_WINDOW:
                return _error(400, "Bad Request: message can't be deleted")
            kept.remove(found[0])
            self.deleted.append((chat, message_id))
        return _ok(True)

    def _get_file(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        file_id = params.get("file_id")
        with self._lock:
            data = self.files.get(file_id) if isinstance(file_id, str) else None
        if data is None:
            return _error(400, "Bad Request: invalid file_id")
        if len(data) > DOWNLOAD_LIMIT:
            return _error(400, "Bad Request: file is too big")
        return _ok(
            {
                "file_id": file_id,
                "file_unique_id": f"u{file_id}",
                "file_size": len(data),
                "file_path": f"documents/{file_id}.bin",
            }
        )

    def download(self, token: str, file_path: str) -> bytes | None:
        """The file at /file/bot<token>/<file_path>, or None (404)."""
        if self.delay:
            time.sleep(self.delay)
        if token != self.token:
            return None
        with self._lock:
            self.calls.append("download")
            name = file_path.rpartition("/")[2].removesuffix(".bin")
            return self.files.get(name)

    def _answer_callback_query(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        callback_id = params.get("callback_query_id")
        with self._lock:
            if callback_id not in self._callbacks:
                return _error(
                    400,
                    "Bad Request: query is too old and response timeout expired or query ID "
                    "is invalid",
                )
            self._callbacks.discard(str(callback_id))
            self.answered[str(callback_id)] = str(params.get("text", ""))
        return _ok(True)


# What a proxy in front of the Bot API answers when Telegram's servers are down.
_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


def _update_id(update: dict[str, Any]) -> int:
    value = update.get("update_id")
    return value if isinstance(value, int) else 0


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _error(
    status: int, description: str, retry_after: int | None = None
) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return status, body


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _params(self) -> dict[str, Any]:
        params: dict[str, Any] = dict(parse_qsl(urlsplit(self.path).query))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        kind = self.headers.get("Content-Type", "")
        if raw and kind.startswith("application/json"):
            body = json.loads(raw)
            if isinstance(body, dict):
                params.update(body)
        elif raw:
            params.update(parse_qsl(raw.decode()))
        return params

    def _serve(self) -> None:
        parts = urlsplit(self.path).path.strip("/").split("/")
        if parts[0] == "file" and len(parts) >= 3 and parts[1].startswith("bot"):
            self._serve_file(parts[1][3:], "/".join(parts[2:]))
            return
        status: int
        body: Any
        if len(parts) != 2 or not parts[0].startswith("bot"):
            status, body = _error(404, "Not Found")
        else:
            try:
                params = self._params()
            except ValueError:
                status, body = _error(400, "Bad Request: can't parse JSON")
            else:
                status, body = self.server.api.answer(parts[0][3:], parts[1], params)
        page = isinstance(body, str)
        data = body.encode() if page else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if page else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting (a timeout test)

    def _serve_file(self, token: str, file_path: str) -> None:
        data = self.server.api.download(token, unquote(file_path))
        try:
            if data is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    do_GET = do_POST = _serve  # noqa: N815 - the names http.server calls

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the path holds the token


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: BotApi


@contextmanager
def telegram_bot_api(api: BotApi | None = None) -> Iterator[BotApi]:
    """Serve `api` (a new BotApi) on 127.0.0.1 while the block runs; `api.base_url` is set."""
    api = api or BotApi()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.api = api
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield api
    finally:
        with api._lock:
            api._poll_generation += 1  # release a waiting long poll
            api._lock.notify_all()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
