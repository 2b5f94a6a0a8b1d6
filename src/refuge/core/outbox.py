"""Outboxes: rows that a worker sends to the outside world, each once, retried with backoff.

A row is claimed by one UPDATE (pending and due -> sending), so two workers never send the
same one. A worker killed between sending and marking leaves it "sending"; once its claim has
expired it is due again: a message may then arrive twice, never not at all. Used by the alarms
to operators (oncall) and the messages to people on their channels (channels).
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


def retry_delay(attempts: int, *, first: timedelta, longest: timedelta) -> timedelta:
    """first, 2 × first, 4 × first, ... never more than longest."""
    return min(first * (1 << max(attempts - 1, 0)), longest)
