"""Login lockout: per account, with growing delays; never a lock of every account from one address.

Failures are counted per account (a keyed hash of the username as typed, whether or not such
an account exists, so the answer reveals nothing) in two tiers:
- from one client address (refuge.core.addresses), an account has LOGIN_LOCKOUT_FAILURES free
  tries; each further failure doubles the wait before that address may try that account again
  (LOGIN_DELAY_BASE_SECONDS, twice that, ..., at most LOGIN_DELAY_MAX_SECONDS);
- from all addresses together, after LOGIN_LOCKOUT_ACCOUNT_FAILURES failures the account waits
  the same growing delays everywhere: a guesser spread over many addresses gains little.
An address alone never blocks anyone: a flood of failures for other usernames from an
operator's own address (a shared office, a Tor exit) does not delay their login, and a
stranger hammering a known username from their own address delays only themselves.
A try made during a delay is refused before any password is hashed (it costs almost nothing)
and is not counted. A coordinator sees delayed accounts and lifts a delay (audited).
Failures are forgotten after LOGIN_FAILURE_MEMORY_HOURS.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from refuge.accounts.errors import LoginLocked
from refuge.accounts.models import LoginFailure, Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.addresses import ClientAddress
from refuge.vault import api as vault

MAX_DOUBLINGS = 20  # the cap is reached long before; this only bounds the arithmetic


@dataclass(frozen=True, slots=True)
class Tally:
    failures: int
    last_at: datetime | None


@dataclass(frozen=True, slots=True)
class AccountLockout:
    """What a coordinator sees of an account's failed logins."""

    operator: Operator
    failures: int
    last_failure_at: datetime
    delayed_until: datetime | None  # None: failures recorded, no wait in force now

    @property
    def is_delayed(self) -> bool:
        return self.delayed_until is not None


def _key(kind: str, value: str) -> str:
    return vault.keyed_digest("lockout", f"{kind}:{value}")


def username_key(username: str) -> str:
    return _key("user", username.lower())


def _address_key(address: ClientAddress) -> str:
    return _key("addr", address.ip)


def _memory_start() -> datetime:
    return timezone.now() - timedelta(hours=settings.LOGIN_FAILURE_MEMORY_HOURS)


def delay_seconds(failures: int, free: int) -> int:
    """The wait after `failures` failures when `free` are allowed: 0, then doubling, capped."""
    if failures < free:
        return 0
    doublings = min(failures - free, MAX_DOUBLINGS)
    return int(
        min(settings.LOGIN_DELAY_BASE_SECONDS * 2**doublings, settings.LOGIN_DELAY_MAX_SECONDS)
    )


def _tally(failures: Any) -> Tally:
    totals = failures.aggregate(count=Count("pk"), last=Max("created_at"))
    return Tally(failures=totals["count"], last_at=totals["last"])


def _wait_until(tally: Tally, free: int) -> datetime | None:
    seconds = delay_seconds(tally.failures, free)
    if not seconds or tally.last_at is None:
        return None
    until = tally.last_at + timedelta(seconds=seconds)
    return until if until > timezone.now() else None


def _tallies(username: str, address: ClientAddress) -> tuple[Tally, Tally]:
    recent = LoginFailure.objects.filter(
        username_key=username_key(username), created_at__gte=_memory_start()
    )
    return _tally(recent.filter(address_key=_address_key(address))), _tally(recent)


def _waits(username: str, address: ClientAddress) -> list[datetime]:
    from_address, everywhere = _tallies(username, address)
    waits = [
        _wait_until(from_address, settings.LOGIN_LOCKOUT_FAILURES),
        _wait_until(everywhere, settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES),
    ]
    return [until for until in waits if until is not None]


def ensure_not_locked(*, username: str, address: ClientAddress) -> None:
    """Raise LoginLocked while this account must wait before a try from this address."""
    LoginFailure.objects.filter(created_at__lt=_memory_start()).delete()
    waits = _waits(username, address)
    if waits:
        seconds = (max(waits) - timezone.now()).total_seconds()
        raise LoginLocked(max(1, math.ceil(seconds / 60)))


@transaction.atomic
def register_failure(*, username: str, address: ClientAddress) -> None:
    """Count one failure; audit the moment it makes the account wait (LOGIN_DELAYED)."""
    LoginFailure.objects.create(
        username_key=username_key(username), address_key=_address_key(address)
    )
    from_address, everywhere = _tallies(username, address)
    tiers = (
        ("address", from_address, settings.LOGIN_LOCKOUT_FAILURES),
        ("account", everywhere, settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES),
    )
    for scope, tally, free in tiers:
        seconds = delay_seconds(tally.failures, free)
        if seconds:
            known = Operator.objects.filter(username=username).values_list("pk", flat=True)
            record_event(
                AuditAction.LOGIN_DELAYED,
                target_type="accounts.Operator",
                target_id=known.first() or "",
                details={
                    "scope": scope,
                    "failures": tally.failures,
                    "seconds": seconds,
                    "shared_address": address.is_shared,
                },
            )
            return


def clear_failures(*, username: str) -> None:
    LoginFailure.objects.filter(username_key=username_key(username)).delete()


def lockouts(operators: Iterable[Operator]) -> dict[int, AccountLockout]:
    """Failed-login state of these accounts, by operator id (accounts with failures only)."""
    by_key = {username_key(operator.username): operator for operator in operators}
    rows = (
        LoginFailure.objects.filter(username_key__in=by_key, created_at__gte=_memory_start())
        .values("username_key", "address_key")
        .annotate(count=Count("pk"), last=Max("created_at"))
    )
    per_address: dict[str, list[Tally]] = {}
    for row in rows:
        per_address.setdefault(row["username_key"], []).append(
            Tally(failures=row["count"], last_at=row["last"])
        )
    return {
        by_key[key].pk: _lockout_of(by_key[key], tallies) for key, tallies in per_address.items()
    }


def _lockout_of(operator: Operator, tallies: list[Tally]) -> AccountLockout:
    last_at = max((t.last_at for t in tallies if t.last_at is not None), default=timezone.now())
    total = Tally(failures=sum(t.failures for t in tallies), last_at=last_at)
    waits = [_wait_until(t, settings.LOGIN_LOCKOUT_FAILURES) for t in tallies]
    waits.append(_wait_until(total, settings.LOGIN_LOCKOUT_ACCOUNT_FAILURES))
    current = [until for until in waits if until is not None]
    return AccountLockout(
        operator=operator,
        failures=total.failures,
        last_failure_at=last_at,
        delayed_until=max(current) if current else None,
    )


def delayed_accounts() -> list[AccountLockout]:
    """Accounts that must wait before their next login try, for the coordinators' pages."""
    found = lockouts(Operator.objects.filter(is_active=True))
    return sorted(
        (lockout for lockout in found.values() if lockout.is_delayed),
        key=lambda lockout: lockout.operator.username,
    )


@transaction.atomic
def lift_login_delay(*, operator: Operator, lifted_by: Operator) -> int:
    """A coordinator forgets the account's failed logins, so it may log in at once."""
    require(lifted_by, Capability.MANAGE_OPERATORS)
    removed, _ = LoginFailure.objects.filter(username_key=username_key(operator.username)).delete()
    record_event(
        AuditAction.LOGIN_DELAY_LIFTED,
        actor=lifted_by,
        target=operator,
        details={"failures": removed},
    )
    return removed
