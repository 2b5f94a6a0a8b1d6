from __future__ import annotations

import base64
import binascii
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from refuge.core.operators import OperatorLike
from refuge.vault import grant_cache
from refuge.vault.keyring import Keyring, activated
from refuge.vault.operators import SessionUnlock, keyring_from_session
from refuge.vault.wrapping import new_wrapping_key, unwrap_secret, wrap_secret

SESSION_BLOB_KEY = "vault_blob"
COOKIE_NAME = "refuge_unlock"


class KeyringMiddleware:
    """Activate the operator's keyring for this request only; forget it afterwards.

    Anonymous requests get an empty keyring, in which a new report's data key lives for
    the length of the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with activated(self._keyring_for(request)):
            return self.get_response(request)

    @staticmethod
    def _keyring_for(request: HttpRequest) -> Keyring:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return Keyring()
        return session_keyring(request, user, session_key=SESSION_BLOB_KEY)


def session_keyring(request: HttpRequest, operator: OperatorLike, *, session_key: str) -> Keyring:
    """The keyring the session (under `session_key`) and the cookie rebuild together; an
    empty one when either is missing or they do not fit. The login's code step uses it with
    the pending blob: the private key exists there only after the password step."""
    blob = request.session.get(session_key)
    cookie = request.COOKIES.get(COOKIE_NAME)
    if not blob or not cookie:
        return Keyring(operator_id=operator.pk)
    try:
        cookie_key = base64.urlsafe_b64decode(cookie)
        session_blob = base64.b64decode(blob)
    except (binascii.Error, ValueError):
        return Keyring(operator_id=operator.pk)
    return keyring_from_session(operator, session_blob, cookie_key)


def session_secret(request: HttpRequest, *, session_key: str, purpose: str) -> bytes | None:
    """A secret wrapped like the session key (server half + cookie half), or None."""
    blob = request.session.get(session_key)
    cookie = request.COOKIES.get(COOKIE_NAME)
    if not blob or not cookie:
        return None
    try:
        return unwrap_secret(
            base64.urlsafe_b64decode(cookie), base64.b64decode(blob), purpose=purpose
        )
    except (binascii.Error, ValueError):
        return None


def secret_unlock(secret: bytes, *, purpose: str) -> SessionUnlock:
    """Wrap a secret the way a session's key is wrapped: the same sizes, the same places."""
    cookie_key = new_wrapping_key()
    return SessionUnlock(
        session_blob=wrap_secret(cookie_key, secret, purpose=purpose), cookie_key=cookie_key
    )


def store_session_unlock(
    request: HttpRequest, response: HttpResponse, unlock: SessionUnlock
) -> None:
    """Put the wrapped key in the server session and its key in a browser-session cookie."""
    request.session[SESSION_BLOB_KEY] = base64.b64encode(unlock.session_blob).decode()
    response.set_cookie(
        COOKIE_NAME,
        base64.urlsafe_b64encode(unlock.cookie_key).decode(),
        max_age=None,
        expires=None,
        httponly=True,
        samesite="Strict",
        secure=request.is_secure(),
        path="/",
    )


def clear_session_unlock(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", samesite="Strict")


def forget_session_grants(request: HttpRequest) -> int:
    """Forget the grants this browser's session opened (kept wrapped in process memory)."""
    cookie = request.COOKIES.get(COOKIE_NAME)
    if not cookie:
        return 0
    try:
        cookie_key = base64.urlsafe_b64decode(cookie)
    except (binascii.Error, ValueError):
        return 0
    return grant_cache.forget_session(grant_cache.session_cache_key(cookie_key))


def end_session_unlock(request: HttpRequest, response: HttpResponse) -> None:
    """At logout: forget the session's cached grants and delete the browser's unlock cookie."""
    forget_session_grants(request)
    clear_session_unlock(response)
