from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import translate_url
from django.utils import timezone, translation

from refuge.accounts.duress import DURESS_SESSION_KEY, stand_in
from refuge.accounts.duress_console import (
    DuressWrite,
    empty_database_view,
    refuse_post,
    unavailable,
)
from refuge.accounts.models import GlobalLock, Operator
from refuge.accounts.preferences import language_codes, operator_language, operator_zone
from refuge.vault import api as vault
from refuge.vault.api import forget_session_grants

LAST_SEEN_KEY = "last_seen"
STARTED_KEY = "started"
GENERATION_KEY = "generation"
GLOBAL_GENERATION_KEY = "global_generation"
_LOCK_STATE = "_refuge_global_lock"
# While the console is closed after an emergency lock, a logged-in coordinator reaches only
# these (and the public pages); everything else leads to the page that reopens it.
OPEN_WHILE_CLOSED = {
    "accounts:reopen",
    "accounts:logout",
    "accounts:logout_everywhere",
    "accounts:emergency_lock",
}
PUBLIC_NAMESPACES = {"intake"}


def _lock_state(request: HttpRequest) -> dict[str, Any]:
    """The emergency lock's generation and closing time, read once per request."""
    state: dict[str, Any] | None = getattr(request, _LOCK_STATE, None)
    if state is None:
        row = GlobalLock.objects.filter(pk=1).values("generation", "closed_at").first()
        state = dict(row) if row is not None else {"generation": 0, "closed_at": None}
        setattr(request, _LOCK_STATE, state)
    return state


class SessionGuardMiddleware:
    """End a session that was idle too long, that began more than SESSION_MAX_HOURS ago, or
    that "log out everywhere", a duress login or an emergency lock has revoked since it began
    (its cached grants are forgotten with it); while the console is closed after an emergency
    lock, lead a logged-in coordinator to the page that reopens it."""

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
                return self._as_duress(request, user)
        return self.get_response(request)

    def _as_duress(self, request: HttpRequest, user: Operator) -> HttpResponse:
        # Below this point the request sees only the stand-in (accounts.duress) and an empty
        # view of the data (accounts.duress_console); its POSTs are refused in process_view,
        # once the messages middleware has run.
        request.user = stand_in(user)
        with empty_database_view():
            return self.get_response(request)

    @staticmethod
    def process_exception(request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DuressWrite):
            return unavailable(request)
        return None

    @staticmethod
    def _must_end(request: HttpRequest) -> bool:
        session = request.session
        user = request.user
        now = time.time()
        idle_seconds = now - float(session.get(LAST_SEEN_KEY, 0))
        age_seconds = now - float(session.get(STARTED_KEY, 0))
        global_generation = _lock_state(request)["generation"]
        # An emergency lock run by another process empties this process's grant cache too.
        vault.note_lock_generation(global_generation)
        return (
            idle_seconds > settings.SESSION_IDLE_MINUTES * 60
            or age_seconds > settings.SESSION_MAX_HOURS * 3600
            or not user.is_active
            or session.get(GENERATION_KEY) != getattr(user, "session_generation", None)
            or session.get(GLOBAL_GENERATION_KEY) != global_generation
        )

    @staticmethod
    def process_view(request: HttpRequest, view: Any, args: Any, kwargs: Any) -> Any:
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or match is None:
            return None
        refused = refuse_post(request) if getattr(user, "is_duress", False) else None
        if refused is not None:
            return refused
        if match.view_name in OPEN_WHILE_CLOSED or match.namespace in PUBLIC_NAMESPACES:
            return None
        if _lock_state(request)["closed_at"] is None:
            return None
        return redirect("accounts:reopen")


def is_console_path(path: str) -> bool:
    """/console/... or /<language>/console/...; public pages are everything else."""
    parts = path.lstrip("/").split("/", 2)
    if parts and parts[0] in language_codes():
        parts = parts[1:]
    return bool(parts) and parts[0] == "console"


class OperatorPreferencesMiddleware:
    """In the console, work in the operator's own time zone and language (accounts.preferences).

    A page asked for in another language is redirected to the same page in the operator's; a
    form posted there is answered in the operator's (activated once the address has been
    resolved: the language prefix decides which addresses exist). Public pages keep the
    installation's zone and their own / and /en/ switch, even where an operator is logged in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = _console_operator(request)
        if user is None:
            return self.get_response(request)
        with timezone.override(operator_zone(user)):
            return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = _console_operator(request)
        language = operator_language(user)
        if user is None or not language or language == translation.get_language():
            return None
        if request.method in ("GET", "HEAD"):
            here = request.get_full_path()
            there = translate_url(here, language)
            if there != here:
                return HttpResponseRedirect(there)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return None


def _console_operator(request: HttpRequest) -> Operator | None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_console_path(request.path_info):
        return None
    return cast(Operator, user)
