"""Outboxes: rows that a worker sends to the outside world, each once, retried with backoff.

A row is claimed by one UPDATE (pending and due -> sending), so two workers never send the
same one. A worker killed between sending and marking leaves it "sending"; once its claim has
expired it is due again: a message may then arrive twice, never not at all. A failed send
raises SendFailed; RETRIES says whether and when it is tried again. Used by the alarms to
operators (oncall) and the messages to people on their channels (channels).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def claim_expires() -> timedelta:
    """How long a claim holds before another worker may send the row again
    (REFUGE_OUTBOX_CLAIM_SECONDS, 5 minutes: longer than any one send may take)."""
    return timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


def due(now: datetime) -> Q:
    """Rows to send now: pending and due, or left "sending" by a worker that died."""
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_at__lte=now - claim_expires()
    )


def claim(model: type[models.Model], pk: int, *, now: datetime) -> bool:
    """Take one row for this worker (one attempt more); False when another worker has it or
    it is no longer due. The model has the fields status, next_attempt_at, claimed_at and
    attempts."""
    claimed: int = model._default_manager.filter(due(now), pk=pk).update(
        status=OutboxStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


@dataclass(frozen=True, slots=True)
class OutboxRun:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def send_due(
    model: type[models.Model],
    send_one: Callable[[int], str],
    *,
    now: datetime,
    only: list[int] | None = None,
) -> OutboxRun:
    """Send every row that is due (or those of `only` that are), each on its own, oldest
    first; `send_one(pk)` claims and sends one and returns its status afterwards."""
    rows = model._default_manager.filter(due(now))
    if only is not None:
        rows = rows.filter(pk__in=only)
    outcomes = [
        send_one(pk) for pk in rows.order_by("next_attempt_at", "pk").values_list("pk", flat=True)
    ]
    return OutboxRun(
        sent=outcomes.count(OutboxStatus.SENT),
        retrying=outcomes.count(OutboxStatus.PENDING),
        failed=outcomes.count(OutboxStatus.FAILED),
    )


class SendFailed(Exception):
    """A row could not be sent: `code` says why (never the service's words, which can quote an
    address); `final` when no retry can mend it; `retry_after`, the service's own wait, when it
    gave one."""

    def __init__(
        self, code: str, *, final: bool = False, retry_after: timedelta | None = None
    ) -> None:
        super().__init__(code)
        self.code = code
        self.final = final
        self.retry_after = retry_after


MIN_WAIT = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Retry:
    status: OutboxStatus  # FAILED: given up, shown to people; PENDING: sent again later
    next_attempt_at: datetime

    @property
    def given_up(self) -> bool:
        return self.status == OutboxStatus.FAILED


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most `max_attempts` sends; between them first, 2 × first, 4 × first, ... never more
    than `longest`, or the wait the service asked for."""

    max_attempts: int = 8
    first: timedelta = timedelta(seconds=15)
    longest: timedelta = timedelta(minutes=30)

    def delay(self, attempts: int) -> timedelta:
        return min(self.first * (1 << max(attempts - 1, 0)), self.longest)

    def after_failure(self, attempts: int, failure: SendFailed, *, now: datetime) -> Retry:
        """What becomes of a row whose `attempts`-th send failed so."""
        given_up = failure.final or attempts >= self.max_attempts
        wait = self.delay(attempts)
        if failure.retry_after is not None:
            wait = max(failure.retry_after, MIN_WAIT)
        return Retry(
            status=OutboxStatus.FAILED if given_up else OutboxStatus.PENDING,
            next_attempt_at=now + wait,
        )


RETRIES = RetryPolicy()  # the alarms' and the channels' messages alike
