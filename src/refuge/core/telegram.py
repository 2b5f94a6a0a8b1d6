"""A small client of the Telegram Bot API: HTTPS requests with a JSON body, JSON answers.

Any bot of Refuge uses it: the staff bot that carries alarms (oncall), and later the people's
bot (a channel of the hotline). It lives in core, which imports nothing of Refuge, so that
each of them may use it without an arrow pointing up; it reads no setting itself: the caller
gives the token and the base URL (https://api.telegram.org, or a faithful peer on loopback in
tests, refuge.testing.telegram).

It uses the standard library's urllib: four methods, one JSON request each, and nothing in
the runtime dependencies is a well-kept HTTP client already (requests is in the lock only as
a tool of pip-audit); urllib verifies TLS certificates by default and honours a timeout.

What it never does: log. The request URL holds the bot's token and a request or an answer can
hold a chat id and a person's words; errors carry a code, Telegram's number and, for 429, how
long to wait (`retry_after`), and are raised without their cause (whose text may quote the
URL).

The methods (https://core.telegram.org/bots/api):
- getMe: the bot's own user (its username makes the deep link https://t.me/<name>?start=<code>,
  which opens the chat and sends "/start <code>").
- getUpdates(offset, timeout): long polling. An update is confirmed, and never returned again,
  once getUpdates is called with an offset higher than its update_id: so a caller that
  stores the last update it handled in its own transaction, and asks from there + 1, handles
  each update once.
- sendMessage (with an inline keyboard for the people's bot), deleteMessage (a bot may delete
  its own and, in a private chat, the person's messages, within 48 hours).
- getFile and the download from /file/bot<token>/<file_path> (Telegram serves files up to
  20 MB to bots); answerCallbackQuery (the answer to a pressed inline button).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from typing import Any

DEFAULT_API_URL = "https://api.telegram.org"
# The largest file the Bot API lets a bot download (getFile).
DOWNLOAD_LIMIT = 20 * 1024 * 1024
# Seconds added to a long poll's own timeout before the HTTP request gives up.
POLL_MARGIN = 10


class TelegramError(Exception):
    """A call that did not succeed, by code:

    - "unreachable": no connection; "timeout": no answer in time;
    - "unauthorized": the token was refused (401; 404 for a malformed one);
    - "blocked": 403, the user blocked the bot (or never started it): retrying will not help;
    - "bad_request": 400 (a chat that does not exist, a message too long);
    - "rate_limited": 429, wait `retry_after` seconds; "conflict": 409, another getUpdates
      or a webhook; "server": Telegram's own failure (5xx); "malformed": not the API's JSON;
    - "too_large": a download longer than its limit.
    """

    def __init__(
        self, code: str, *, status: int = 0, retry_after: int | None = None, description: str = ""
    ) -> None:
        super().__init__(code if not status else f"{code} ({status})")
        self.code = code
        self.status = status
        self.retry_after = retry_after
        # Telegram's own words ("Forbidden: bot was blocked by the user"): for a test or a
        # developer, never for a log (it may quote what was sent).
        self.description = description

    @property
    def retry_wait(self) -> timedelta | None:
        """The wait Telegram asked for (429), as a duration."""
        return None if self.retry_after is None else timedelta(seconds=self.retry_after)

    @property
    def final(self) -> bool:
        """True when sending the same again cannot succeed (blocked, or a bad request)."""
        return self.code in ("blocked", "bad_request")


_CODES = {400: "bad_request", 401: "unauthorized", 403: "blocked", 404: "unauthorized"}


def _error_of(status: int, answer: Any) -> TelegramError:
    description = str(answer.get("description", "")) if isinstance(answer, dict) else ""
    parameters = answer.get("parameters") if isinstance(answer, dict) else None
    retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if status == 429:
        code = "rate_limited"
    elif status == 409:
        code = "conflict"
    elif status >= 500:
        code = "server"
    else:
        code = _CODES.get(status, "bad_request" if 400 <= status < 500 else "malformed")
    return TelegramError(
        code,
        status=status,
        retry_after=int(retry_after) if isinstance(retry_after, int) else None,
        description=description,
    )


class BotClient:
    """One bot, by its token. `timeout`: seconds an ordinary call may take."""

    def __init__(self, token: str, *, base_url: str = DEFAULT_API_URL, timeout: float = 20) -> None:
        if not token:
            raise ValueError("a bot needs its token")
        self._token = token
        self._base = base_url.rstrip("/")
        self.timeout = timeout

    def __repr__(self) -> str:  # never the token
        return f"BotClient({self._base!r})"

    def call(self, method: str, payload: dict[str, Any], *, timeout: float | None = None) -> Any:
        """The `result` of a Bot API method, or TelegramError."""
        request = urllib.request.Request(  # noqa: S310 - the base URL is the installation's setting
            f"{self._base}/bot{self._token}/{method}",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            try:
                with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:  # noqa: S310
                    status, raw = response.status, response.read()
            except urllib.error.HTTPError as error:
                status, raw = error.code, error.read()
        except TimeoutError:
            raise TelegramError("timeout") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise TelegramError("timeout") from None
            raise TelegramError("unreachable") from None
        except OSError:
            raise TelegramError("unreachable") from None
        try:
            answer = json.loads(raw)
        except ValueError:
            # Not the API's JSON: a proxy's error page (a 502), say.
            raise (
                _error_of(status, None) if status != 200 else TelegramError("malformed")
            ) from None
        if status == 200 and isinstance(answer, dict) and answer.get("ok") is True:
            return answer.get("result")
        code = answer.get("error_code", status) if isinstance(answer, dict) else status
        raise _error_of(code if isinstance(code, int) else status, answer)

    def get_me(self) -> dict[str, Any]:
        me = self.call("getMe", {})
        if not isinstance(me, dict):
            raise TelegramError("malformed")
        return me

    def get_updates(
        self,
        *,
        offset: int | None = None,
        timeout: int = 0,
        limit: int = 100,
        allowed_updates: list[str] | None = None,
    ) -> list[Any]:
        """Updates from `offset` on (confirming those before it), waiting up to `timeout` s."""
        payload: dict[str, Any] = {"timeout": timeout, "limit": limit}
        if offset is not None:
            payload["offset"] = offset
        if allowed_updates is not None:
            payload["allowed_updates"] = allowed_updates
        updates = self.call("getUpdates", payload, timeout=max(self.timeout, timeout + POLL_MARGIN))
        if not isinstance(updates, list):
            raise TelegramError("malformed")
        return updates

    def send_message(
        self, chat_id: int | str, text: str, *, reply_markup: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "link_preview_options": {"is_disabled": True},
        }
        if reply_markup is not None:
            payload["reply_markup"] = reply_markup
        sent = self.call("sendMessage", payload)
        if not isinstance(sent, dict):
            raise TelegramError("malformed")
        return sent

    def answer_callback_query(self, callback_query_id: str, text: str = "") -> bool:
        payload: dict[str, Any] = {"callback_query_id": callback_query_id}
        if text:
            payload["text"] = text
        return bool(self.call("answerCallbackQuery", payload))

    def get_file(self, file_id: str) -> dict[str, Any]:
        """The file's record: its `file_path` for the download (valid for an hour)."""
        found = self.call("getFile", {"file_id": file_id})
        if not isinstance(found, dict) or not isinstance(found.get("file_path"), str):
            raise TelegramError("malformed")
        return found

    def download(self, file_path: str, *, limit: int = DOWNLOAD_LIMIT) -> bytes:
        """The file's bytes (GET /file/bot<token>/<file_path>); "too_large" past `limit`."""
        request = urllib.request.Request(  # noqa: S310 - the base URL is the installation's setting
            f"{self._base}/file/bot{self._token}/{urllib.parse.quote(file_path)}", method="GET"
        )
        try:
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    data: bytes = response.read(limit + 1)
            except urllib.error.HTTPError as error:
                status = error.code
                raise (
                    TelegramError("server", status=status)
                    if status >= 500
                    else TelegramError("bad_request", status=status)
                ) from None
        except TelegramError:
            raise
        except TimeoutError:
            raise TelegramError("timeout") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise TelegramError("timeout") from None
            raise TelegramError("unreachable") from None
        except OSError:
            raise TelegramError("unreachable") from None
        if len(data) > limit:
            raise TelegramError("too_large")
        return data

    def delete_message(self, chat_id: int | str, message_id: int) -> bool:
        return bool(self.call("deleteMessage", {"chat_id": chat_id, "message_id": message_id}))
