"""What the reporter's browser holds between requests: one random key, in a session cookie.

The server session (and a pending receipt row) hold only what that key encrypted: the open
mailbox (thread id and its data key), and a form's text waiting to be shown again with its
errors. The cookie has no expiry (it dies when the browser closes), is HttpOnly and
SameSite=Strict. "Leave the mailbox" deletes both halves.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse

from refuge.intake.models import Thread
from refuge.vault import api as vault

COOKIE_NAME = "refuge_intake"
_NEW_KEY_ATTRIBUTE = "_refuge_intake_new_key"
MAILBOX_SESSION_KEY = "intake_mailbox"


def browser_key(request: HttpRequest, *, create: bool = False) -> bytes | None:
    """The key from this browser's cookie; with `create`, a new one sent with the response."""
    new_key: bytes | None = getattr(request, _NEW_KEY_ATTRIBUTE, None)
    if new_key is not None:
        return new_key
    try:
        key = base64.urlsafe_b64decode(request.COOKIES.get(COOKIE_NAME, "").encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) == 32:
        return key
    if not create:
        return None
    key = vault.new_wrapping_key()
    setattr(request, _NEW_KEY_ATTRIBUTE, key)
    return key


def send_new_key(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    new_key: bytes | None = getattr(request, _NEW_KEY_ATTRIBUTE, None)
    if new_key is not None:
        response.set_cookie(
            COOKIE_NAME,
            base64.urlsafe_b64encode(new_key).decode(),
            max_age=None,
            expires=None,
            httponly=True,
            samesite="Strict",
            secure=request.is_secure(),
            path="/",
        )
    return response


def forget_browser(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Drop the server session and the browser's key: nothing of the visit is left."""
    request.session.flush()
    response.delete_cookie(COOKIE_NAME, path="/", samesite="Strict")
    return response


def _encode(blob: bytes) -> str:
    return base64.b64encode(blob).decode()


def _decode(text: Any) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        return base64.b64decode(text.encode(), validate=True)
    except (binascii.Error, ValueError):
        return None


def stash(request: HttpRequest, name: str, payload: dict[str, Any]) -> None:
    """Keep a form's text and errors for the next GET, encrypted under the browser's key."""
    key = browser_key(request, create=True)
    assert key is not None
    blob = vault.wrap_secret(key, json.dumps(payload).encode(), purpose=f"stash:{name}")
    request.session[f"intake_stash_{name}"] = _encode(blob)


def pop_stash(request: HttpRequest, name: str) -> dict[str, Any]:
    """The stashed payload, once; empty when there is none or it does not open."""
    blob = _decode(request.session.pop(f"intake_stash_{name}", None))
    key = browser_key(request)
    if blob is None or key is None:
        return {}
    data = vault.unwrap_secret(key, blob, purpose=f"stash:{name}")
    if data is None:
        return {}
    payload = json.loads(data)
    return payload if isinstance(payload, dict) else {}


def drop_empty_session(request: HttpRequest) -> None:
    """At the end of a page: a session this page emptied loses its row, not only its cookie.

    Not earlier: a page whose server dies before its answer (a killed server, nginx asking
    the other one) must leave the session as it found it, so that the other server sees
    what this one saw (a receipt page then says the receipt was shown, not a blank form).
    """
    if request.session.modified and not request.session.keys():
        request.session.flush()


def drop_stash(request: HttpRequest, name: str) -> None:
    """Forget a stashed payload without reading it."""
    if f"intake_stash_{name}" in request.session:
        del request.session[f"intake_stash_{name}"]


def remember_mailbox(request: HttpRequest, thread: Thread) -> None:
    """Keep the thread open for this browser: its id and data key, wrapped under the cookie."""
    request.session.cycle_key()
    key = browser_key(request, create=True)
    assert key is not None
    reference = f"{thread.pk}:{thread.receipt_envelope_id}".encode()
    request.session[MAILBOX_SESSION_KEY] = {
        "thread": _encode(vault.wrap_secret(key, reference, purpose="mailbox")),
        "key": _encode(vault.wrap_envelope_key(thread.receipt_envelope_id, key)),
    }


def forget_mailbox(request: HttpRequest) -> None:
    """Close the mailbox in this browser (its wrapped key leaves the session)."""
    request.session.pop(MAILBOX_SESSION_KEY, None)


def mailbox_thread(request: HttpRequest) -> Thread | None:
    """The thread this browser opened, unlocked in the request's keyring; else None."""
    stored = request.session.get(MAILBOX_SESSION_KEY)
    key = browser_key(request)
    if not isinstance(stored, dict) or key is None:
        return None
    thread_blob, key_blob = _decode(stored.get("thread")), _decode(stored.get("key"))
    if thread_blob is None or key_blob is None:
        return None
    reference = vault.unwrap_secret(key, thread_blob, purpose="mailbox")
    if reference is None:
        return None
    thread_id, envelope_id = reference.decode().split(":", 1)
    thread = Thread.objects.filter(pk=int(thread_id)).first()
    if thread is None or thread.receipt_envelope_id != uuid.UUID(envelope_id):
        return None
    if not vault.unwrap_envelope_key(thread.receipt_envelope_id, key, key_blob):
        return None
    return thread
