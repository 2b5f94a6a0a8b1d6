"""The duress password: an operator forced to log in gives it instead of the real one.

(The console it opens: accounts.duress_console.)

What happens, at the password step (so the alarm is raised even if the code is never typed):
- the account is locked (`locked_reason="duress"`): the real password is refused with the
  usual generic message until a coordinator unlocks it;
- every other session of the account ends (its session generation is bumped);
- coordinators see an alert at the top of their home page; the audit log gets DURESS_LOGIN.
The code step then looks exactly as usual (the same TOTP code is asked for), and the console
that opens is empty: the session is flagged, carries no usable key (a random blob that opens
nothing), and its user is a stand-in with no database row, holding its role's capabilities
over an empty view of the data (accounts.duress_console): the usual menu, empty lists, nothing
decrypted, nothing written. The stand-in can never be saved. The password step spends the
same key derivation as a real login (on the duress copy of the TOTP seed), so the two take
the same time.
"""

from __future__ import annotations

import base64
import functools
import secrets
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from refuge.accounts.errors import LoginRefused
from refuge.accounts.models import CoordinatorAlert, LockReason, Operator, SealedTOTPDevice
from refuge.accounts.passwords import check_password_rules
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.accounts.totp import SEED_BYTES, confirmed_device, keep_duress_copy, open_seed
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.errors import DomainError
from refuge.vault import api as vault
from refuge.vault.api import SessionUnlock, secret_unlock, session_secret

DURESS_SESSION_KEY = "duress"


@functools.cache
def _dummy_hash() -> str:
    # Hashed once per process, so a login without a duress password costs the same hash check
    # as one with (no timing tells who has set one).
    return make_password(secrets.token_urlsafe(16))


class DuressPasswordRefused(DomainError):
    """The duress password may not equal the real one."""


def matches(operator: Operator, password: str) -> bool:
    """True when `password` is this operator's duress password (constant work either way)."""
    encoded = operator.duress_password or _dummy_hash()
    return check_password(password, encoded) and bool(operator.duress_password)


def burn_equal_time(password: str) -> None:
    """Spend one duress hash check, so failed logins do not reveal who has a duress password."""
    check_password(password, _dummy_hash())


@transaction.atomic
def set_duress_password(*, operator: Operator, current_password: str, duress_password: str) -> None:
    """Set (or replace) the operator's duress password, proving the real one first."""
    if is_stand_in(operator) or not operator.check_password(current_password):
        raise LoginRefused
    if operator.check_password(duress_password):
        raise DuressPasswordRefused(_("The duress password must differ from your password."))
    check_password_rules(duress_password, operator=operator)
    device = confirmed_device(operator)
    seed = _own_seed(device)
    if device is None or seed is None:  # only the operator's own keyring opens the seed
        raise DuressPasswordRefused(_("Log out and in again, then set the duress password."))
    keep_duress_copy(device, seed, duress_password)
    operator.duress_password = make_password(duress_password)
    operator.save(update_fields=["duress_password"])
    record_event(
        AuditAction.PASSWORD_CHANGED, actor=operator, target=operator, details={"kind": "duress"}
    )


def _own_seed(device: SealedTOTPDevice | None) -> bytes | None:
    if device is None:
        return None
    try:
        return open_seed(device, vault.current_keyring())
    except vault.VaultError:
        return None


@transaction.atomic
def enter_duress(operator: Operator) -> None:
    """Lock the account, end its other sessions, alert the coordinators."""
    Operator.objects.filter(pk=operator.pk).update(
        locked_reason=LockReason.DURESS, session_generation=F("session_generation") + 1
    )
    CoordinatorAlert.objects.create(kind=CoordinatorAlert.Kind.DURESS, operator=operator)
    record_event(AuditAction.DURESS_LOGIN, target=operator, details={"step": "password"})
    operator.refresh_from_db(fields=["locked_reason", "session_generation"])


SEED_PURPOSE = "duress-totp-seed"
_NO_SEED = bytes(32)


def seed_unlock(seed: bytes | None) -> SessionUnlock:
    """What a duress login leaves between the password and the code step: the seed the
    duress password opened (or a marker: no copy was kept), wrapped exactly like a real
    login's key (same sizes, session and cookie halves)."""
    padded = seed.ljust(32, b"\0") if seed is not None else _NO_SEED
    return secret_unlock(padded, purpose=SEED_PURPOSE)


def opened_seed(request: HttpRequest, *, session_key: str) -> bytes | None:
    padded = session_secret(request, session_key=session_key, purpose=SEED_PURPOSE)
    if padded is None or padded == _NO_SEED:
        return None
    return padded[:SEED_BYTES]


def decoy_blob() -> str:
    """A logged-in duress session's server half: random bytes the size of a real one."""
    return base64.b64encode(secrets.token_bytes(72)).decode()


def _refuse_save(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("A duress stand-in is never saved.")


def stand_in(user: Operator) -> Operator:
    """The user a duress session sees: same name and role, no row, no key, no capability."""
    decoy = Operator(
        pk=0, username=user.username, role=user.role, is_active=True, time_zone=user.time_zone
    )  # times read as the person's console shows them
    decoy.set_unusable_password()
    decoy.is_duress = True  # type: ignore[attr-defined]
    decoy.duress_of = user.pk  # type: ignore[attr-defined]  # audit rows name the account
    decoy.save = _refuse_save  # type: ignore[method-assign]
    decoy.otp_device = getattr(user, "otp_device", None)  # type: ignore[attr-defined]
    decoy.is_verified = lambda: True  # type: ignore[attr-defined]
    return decoy


def is_stand_in(user: Operator) -> bool:
    return bool(getattr(user, "is_duress", False))


@transaction.atomic
def unlock_operator(*, operator: Operator, unlocked_by: Operator) -> None:
    """A coordinator lifts a lock; the account's open alerts are marked resolved."""
    require(unlocked_by, Capability.MANAGE_OPERATORS)
    reason = operator.locked_reason
    # The empty duress session (if still open) ends too: the person logs in afresh.
    Operator.objects.filter(pk=operator.pk).update(
        locked_reason="", session_generation=F("session_generation") + 1
    )
    CoordinatorAlert.objects.filter(operator=operator, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=unlocked_by
    )
    record_event(
        AuditAction.OPERATOR_CHANGED,
        actor=unlocked_by,
        target=operator,
        details={"unlocked": reason or "none"},
    )


def open_alerts() -> list[CoordinatorAlert]:
    return list(
        CoordinatorAlert.objects.filter(resolved_at__isnull=True).select_related("operator")[:50]
    )
