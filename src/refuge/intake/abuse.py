"""Rate limits and the no-JavaScript spam defence for the public intake.

Who a request is counted as comes from refuge.core.addresses.client_address (the one helper
login lockout uses too): the peer address, or what one of our own proxies says; a forged
X-Forwarded-For changes nothing. Each request is counted, narrowest first, against:
- a real address: that address's bucket (REFUGE_INTAKE_REPORTS_PER_ADDRESS, 10 an hour);
- a shared address (an onion service's Tor daemon, a listed NAT, a proxy that named nobody),
  where one person's ten reports must not shut out everyone behind it: the browser's own
  bucket (its `refuge_intake` cookie, the same limit), then the budget all shared traffic
  shares (REFUGE_INTAKE_REPORTS_SHARED);
- then the installation's global budget.
A request refused by a narrow bucket does not use up the wider ones, so a flood from one
address cannot exhaust the global budget for everyone else. The intake has no JavaScript, so
no proof of work can run in the page: behind an onion service Tor's own proof of work
(`HiddenServicePoWDefensesEnabled`, solved by Tor Browser itself) stands in (docs/intake.md).

Addresses and cookies are never stored: a counter's bucket is an HMAC under a key derived for
the current window only, and counters are deleted once their window has passed. The first
refusal of each bucket in a window is audited (INTAKE_RATE_LIMITED, with the scope only).
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.addresses import client_address
from refuge.intake.browser import COOKIE_NAME
from refuge.intake.models import RateCounter, SpentFormToken
from refuge.vault import api as vault

PENDING_RECEIPT_LIFETIME = timedelta(minutes=15)
NO_COOKIE = "no-cookie"  # browsers that sent no key share one bucket


class Scope(enum.StrEnum):
    """Which budget refused a request: the sender's own, or one shared with others."""

    ADDRESS = "address"
    BROWSER = "browser"
    SHARED = "shared"
    GLOBAL = "global"

    @property
    def is_the_senders_own(self) -> bool:
        return self in {Scope.ADDRESS, Scope.BROWSER}


class _Taken(enum.Enum):
    YES = enum.auto()
    FULL = enum.auto()
    FIRST_REFUSAL = enum.auto()  # full, and this is the first request it refused


def _window_start(now: datetime) -> datetime:
    seconds = settings.INTAKE_RATE_WINDOW_SECONDS
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def _bucket(scope: str, subject: str, window_start: datetime) -> str:
    digest = vault.keyed_digest("intake-rate", f"{scope}:{subject}", window_start.isoformat())
    return f"{scope}:{digest[:48]}"


def _take(bucket: str, window_start: datetime, limit: int) -> _Taken:
    """Count one request in this bucket, or say it is full (and whether it just became so)."""
    updated = RateCounter.objects.filter(bucket=bucket, count__lt=limit).update(
        count=F("count") + 1
    )
    if updated:
        return _Taken.YES
    if RateCounter.objects.filter(bucket=bucket).exists():
        # One past the limit marks "already refused once in this window".
        first = RateCounter.objects.filter(bucket=bucket, count=limit).update(count=F("count") + 1)
        return _Taken.FIRST_REFUSAL if first else _Taken.FULL
    try:
        with transaction.atomic():
            RateCounter.objects.create(
                bucket=bucket, window_start=window_start, count=min(1, limit)
            )
    except IntegrityError:  # another process created it first: count against it
        return _take(bucket, window_start, limit)
    return _Taken.YES if limit > 0 else _Taken.FULL


def _subjects(request: HttpRequest) -> list[tuple[Scope, str]]:
    """The buckets this request is counted in, narrowest first."""
    address = client_address(request)
    if not address.is_shared:
        return [(Scope.ADDRESS, address.ip), (Scope.GLOBAL, "all")]
    # Behind a shared address the browser's random cookie tells people apart; it is only
    # ever hashed with the window key, like an address.
    cookie = request.COOKIES.get(COOKIE_NAME, "")
    browser = cookie if 40 <= len(cookie) <= 64 else NO_COOKIE
    return [(Scope.BROWSER, browser), (Scope.SHARED, "all"), (Scope.GLOBAL, "all")]


@transaction.atomic
def refusal(request: HttpRequest, action: str) -> Scope | None:
    """Count this request against the limits of `action`; the scope that refused it, or None."""
    window_start = _window_start(timezone.now())
    global_bucket = _bucket(f"{action}:{Scope.GLOBAL}", "all", window_start)
    if not RateCounter.objects.filter(bucket=global_bucket).exists():
        purge_expired()  # the first request of a new window clears the previous one
    for scope, subject in _subjects(request):
        name = f"{action}:{scope}"
        taken = _take(
            _bucket(name, subject, window_start), window_start, settings.INTAKE_RATE_LIMITS[name]
        )
        if taken is _Taken.FIRST_REFUSAL:
            record_event(
                AuditAction.INTAKE_RATE_LIMITED,
                target_type="intake.RateCounter",
                details={"scope": name, "limit": settings.INTAKE_RATE_LIMITS[name]},
            )
        if taken is not _Taken.YES:
            return scope
    return None


def purge_expired() -> int:
    """Delete counters of past windows and spent form tokens older than a form can live."""
    now = timezone.now()
    counters, _ = RateCounter.objects.filter(window_start__lt=_window_start(now)).delete()
    form_age = timedelta(seconds=settings.INTAKE_FORM_MAX_AGE_SECONDS)
    tokens, _ = SpentFormToken.objects.filter(created_at__lt=now - form_age).delete()
    # A receipt not shown within minutes never will be: its page follows the submission.
    SpentFormToken.objects.filter(
        created_at__lt=now - PENDING_RECEIPT_LIFETIME,
        pending_receipt__isnull=False,
    ).update(pending_receipt=None)
    return counters + tokens
