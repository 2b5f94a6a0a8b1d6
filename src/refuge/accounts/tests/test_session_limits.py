"""Sessions end after an absolute lifetime however active; logout and the
emergency lock clear the browser (Clear-Site-Data) and forget the session's cached grants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from refuge.accounts.models import GlobalLock
from refuge.testing import keyring_for, log_in
from refuge.vault import api as vault
from refuge.vault import grant_cache

from .sessions import cookies_of, keyring_from_cookies

HOME = reverse("console:home")
LOGIN = reverse("accounts:login")
CLEAR = '"cache", "cookies", "storage"'


@pytest.fixture(autouse=True)
def _empty_grant_cache():
    grant_cache.clear()
    yield
    grant_cache.clear()


def _ends_at_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_an_active_session_ends_twelve_hours_after_login(client: Client, hotline_operator) -> None:
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        log_in(client, hotline_operator)
        for _ in range(35):  # a page every 20 minutes: never idle for 30
            clock.shift(timedelta(minutes=20))
            assert client.get(HOME).status_code == 200
        assert datetime.now(tz=UTC) == start + timedelta(hours=11, minutes=40)
        clock.shift(timedelta(minutes=21))

        assert _ends_at_login(client.get(HOME))


def test_the_absolute_lifetime_is_a_setting(client: Client, hotline_operator, settings) -> None:
    settings.SESSION_MAX_HOURS = 1
    with time_machine.travel(datetime(2026, 3, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        log_in(client, hotline_operator)
        clock.shift(timedelta(minutes=25))
        assert client.get(HOME).status_code == 200
        clock.shift(timedelta(minutes=25))
        assert client.get(HOME).status_code == 200
        clock.shift(timedelta(minutes=11))

        assert _ends_at_login(client.get(HOME))


def _cached_grant_of(client: Client, operator) -> bytes:
    """Open a grant through the session's own keyring, as a console page does; the cache keeps
    it. Returns the session's cache key."""
    with vault.activated(keyring_for(operator)):
        envelope = vault.create_envelope(purpose=vault.Purpose.CASE, readers=[operator])
        ciphertext = vault.encrypt_bytes(envelope.pk, b"safe house", label="t")
    keyring = keyring_from_cookies(cookies_of(client))
    cache_key = keyring.session_cache_key
    with vault.activated(keyring):
        assert vault.decrypt_bytes(envelope.pk, ciphertext, label="t") == b"safe house"
    assert cache_key is not None
    return cache_key


def _entries_of(cache_key: bytes) -> int:
    tag = grant_cache._session_tag(cache_key)
    return sum(1 for entry in grant_cache._entries.values() if entry.session == tag)


def test_logout_clears_the_browser_and_forgets_the_sessions_grants(
    client: Client, hotline_operator, coordinator
) -> None:
    colleague = Client()
    log_in(client, hotline_operator)
    log_in(colleague, coordinator)
    mine, theirs = (
        _cached_grant_of(client, hotline_operator),
        _cached_grant_of(colleague, coordinator),
    )
    assert _entries_of(mine) == 1
    assert _entries_of(theirs) == 1

    response = client.post(reverse("accounts:logout"))

    assert _ends_at_login(response)
    assert response["Clear-Site-Data"] == CLEAR
    assert _entries_of(mine) == 0
    assert _entries_of(theirs) == 1  # another person's session keeps its own


def test_the_emergency_lock_clears_the_browser_and_every_cached_grant(
    client: Client, hotline_operator, coordinator
) -> None:
    other = Client()
    log_in(other, hotline_operator)
    _cached_grant_of(other, hotline_operator)
    log_in(client, coordinator)

    response = client.post(reverse("accounts:emergency_lock"), {"confirm": "on"})

    assert response.status_code == 200
    assert response["Clear-Site-Data"] == CLEAR
    assert len(grant_cache._entries) == 0


def test_a_lock_run_by_another_server_empties_this_processs_cache(
    client: Client, hotline_operator, coordinator
) -> None:
    log_in(client, coordinator)
    assert client.get(HOME).status_code == 200  # this process has seen the generation
    other = Client()
    log_in(other, hotline_operator)
    _cached_grant_of(other, hotline_operator)
    assert len(grant_cache._entries) == 1

    # Another app server's lock: only the database changes, nothing in this process's memory.
    GlobalLock.objects.filter(pk=1).update(generation=GlobalLock.objects.get(pk=1).generation + 1)
    client.get(HOME)

    assert len(grant_cache._entries) == 0
