from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from refuge.accounts.duress import DURESS_SESSION_KEY, stand_in
from refuge.accounts.services import current_global_generation
from refuge.vault import api as vault
from refuge.vault.middleware import forget_session_grants

LAST_SEEN_KEY = "last_seen"
STARTED_KEY = "started"
GENERATION_KEY = "generation"
GLOBAL_GENERATION_KEY = "global_generation"


class SessionGuardMiddleware:
    """End a session that was idle too long, that began more than SESSION_MAX_HOURS ago, or
    that "log out everywhere", a duress login or an emergency lock has revoked since it began.
    An ended session's cached grants are forgotten with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._must_end(request):
            forget_session_grants(request)
            logout(request)
        elif user is not None and user.is_authenticated:
            now = int(time.time())
            # Refreshing "last seen" writes (and fsyncs) the session row: do it at most once
            # per SESSION_TOUCH_SECONDS, so reading console pages does not queue on the
            # database's write lock. A session may thus end up to that much before the idle
            # limit, never after it.
            if now - int(request.session.get(LAST_SEEN_KEY, 0)) >= settings.SESSION_TOUCH_SECONDS:
                request.session[LAST_SEEN_KEY] = now
            if request.session.get(DURESS_SESSION_KEY):
                # Below this point the request sees only the empty stand-in (accounts.duress).
                request.user = stand_in(user)
        return self.get_response(request)

    @staticmethod
    def _must_end(request: HttpRequest) -> bool:
        session = request.session
        user = request.user
        now = time.time()
        idle_seconds = now - float(session.get(LAST_SEEN_KEY, 0))
        age_seconds = now - float(session.get(STARTED_KEY, 0))
        global_generation = current_global_generation()
        # An emergency lock run by another process empties this process's grant cache too.
        vault.note_lock_generation(global_generation)
        return (
            idle_seconds > settings.SESSION_IDLE_MINUTES * 60
            or age_seconds > settings.SESSION_MAX_HOURS * 3600
            or not user.is_active
            or session.get(GENERATION_KEY) != getattr(user, "session_generation", None)
            or session.get(GLOBAL_GENERATION_KEY) != global_generation
        )
