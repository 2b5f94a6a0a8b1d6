"""Rate limits and the no-JavaScript spam defence for the public intake.

Addresses are never stored: a counter's bucket is an HMAC of the address under a key derived
for the current window only, and counters are deleted once their window has passed. Behind Tor
every reporter shares a few exit addresses, so the per-address limit is generous and a global
limit caps the total cost (each receipt try runs a 46 MiB Argon2id derivation).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from refuge.intake.models import RateCounter, SpentFormToken

PENDING_RECEIPT_LIFETIME = timedelta(minutes=15)


def _window_start(now: datetime) -> datetime:
    seconds = settings.INTAKE_RATE_WINDOW_SECONDS
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def _bucket(scope: str, subject: str, window_start: datetime) -> str:
    window_key = hashlib.sha256(
        f"refuge-intake-rate:{settings.SECRET_KEY}:{window_start.isoformat()}".encode()
    ).digest()
    digest = hmac.new(window_key, f"{scope}:{subject}".encode(), hashlib.sha256).hexdigest()
    return f"{scope}:{digest[:48]}"


def client_address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _take(bucket: str, window_start: datetime, limit: int) -> bool:
    """Count one request in this bucket; False when the bucket is already full."""
    updated = RateCounter.objects.filter(bucket=bucket, count__lt=limit).update(
        count=F("count") + 1)
    if updated:
        return True
    if RateCounter.objects.filter(bucket=bucket).exists():
        return False
    try:
        with transaction.atomic():
            RateCounter.objects.create(bucket=bucket, window_start=window_start, count=1)
    except IntegrityError:  # another process created it first: count against it
        return _take(bucket, window_start, limit) if limit > 0 else False
    return limit > 0


@transaction.atomic
def allow(request: HttpRequest, action: str) -> bool:
    """Count this request against the address and global limits of `action`."""
    now = timezone.now()
    window_start = _window_start(now)
    limits = settings.INTAKE_RATE_LIMITS
    global_bucket = _bucket(f"{action}:global", "all", window_start)
    if not RateCounter.objects.filter(bucket=global_bucket).exists():
        purge_expired()  # the first request of a new window clears the previous one
    address_ok = _take(_bucket(f"{action}:address", client_address(request), window_start),
                       window_start, limits[f"{action}:address"])
    global_ok = _take(global_bucket, window_start, limits[f"{action}:global"])
    return address_ok and global_ok


def purge_expired() -> int:
    """Delete counters of past windows and spent form tokens older than a form can live."""
    now = timezone.now()
    counters, _ = RateCounter.objects.filter(window_start__lt=_window_start(now)).delete()
    form_age = timedelta(seconds=settings.INTAKE_FORM_MAX_AGE_SECONDS)
    tokens, _ = SpentFormToken.objects.filter(created_at__lt=now - form_age).delete()
    # A receipt not shown within minutes never will be: its page follows the submission.
    SpentFormToken.objects.filter(
        created_at__lt=now - PENDING_RECEIPT_LIFETIME, pending_receipt__isnull=False,
    ).update(pending_receipt=None)
    return counters + tokens
