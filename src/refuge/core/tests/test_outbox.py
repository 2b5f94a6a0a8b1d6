"""The one retry rule of the outboxes (alarms to operators, messages to people)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from refuge.core.outbox import RETRIES, OutboxStatus, RetryPolicy, SendFailed

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


def test_the_wait_doubles_from_the_first_and_stops_at_the_longest() -> None:
    policy = RetryPolicy(max_attempts=20, first=timedelta(seconds=15), longest=timedelta(minutes=2))
    waits = [
        policy.after_failure(attempts, SendFailed("timeout"), now=NOW).next_attempt_at - NOW
        for attempts in range(1, 6)
    ]
    assert waits == [timedelta(seconds=s) for s in (15, 30, 60, 120, 120)]


def test_a_send_is_given_up_after_the_last_attempt_and_not_before() -> None:
    before_last = RETRIES.after_failure(RETRIES.max_attempts - 1, SendFailed("timeout"), now=NOW)
    last = RETRIES.after_failure(RETRIES.max_attempts, SendFailed("timeout"), now=NOW)
    assert (before_last.status, before_last.given_up) == (OutboxStatus.PENDING, False)
    assert (last.status, last.given_up) == (OutboxStatus.FAILED, True)


def test_a_final_failure_is_given_up_at_once() -> None:
    retry = RETRIES.after_failure(1, SendFailed("blocked", final=True), now=NOW)
    assert retry.given_up


@pytest.mark.parametrize(
    ("asked", "waited"),
    [(timedelta(seconds=40), timedelta(seconds=40)), (timedelta(0), timedelta(seconds=1))],
)
def test_the_wait_a_service_asks_for_is_kept_at_least_a_second(
    asked: timedelta, waited: timedelta
) -> None:
    retry = RETRIES.after_failure(1, SendFailed("rate_limited", retry_after=asked), now=NOW)
    assert retry.next_attempt_at - NOW == waited
    assert not retry.given_up
