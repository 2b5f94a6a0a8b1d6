"""Lockout after repeated failures, per account and per address, within a time window."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from refuge.accounts.errors import LoginLocked
from refuge.accounts.models import LoginFailure


def _key(kind: str, value: str) -> str:
    secret = hashlib.sha256(b"refuge-lockout:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def _window_start() -> datetime:
    return timezone.now() - timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _purge_expired() -> None:
    # Failures are kept only for the window: older rows say nothing we need.
    LoginFailure.objects.filter(created_at__lt=_window_start()).delete()


def ensure_not_locked(*, username: str, address: str) -> None:
    """Raise LoginLocked when the account or the address has too many recent failures."""
    _purge_expired()
    recent = LoginFailure.objects.filter(created_at__gte=_window_start())
    by_account = recent.filter(username_key=_key("user", username.lower())).count()
    by_address = recent.filter(address_key=_key("addr", address)).count()
    if (by_account >= settings.LOGIN_LOCKOUT_FAILURES
            or by_address >= settings.LOGIN_LOCKOUT_ADDRESS_FAILURES):
        raise LoginLocked(settings.LOGIN_LOCKOUT_MINUTES)


def register_failure(*, username: str, address: str) -> None:
    LoginFailure.objects.create(
        username_key=_key("user", username.lower()), address_key=_key("addr", address)
    )


def clear_failures(*, username: str) -> None:
    LoginFailure.objects.filter(username_key=_key("user", username.lower())).delete()
