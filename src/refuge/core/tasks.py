"""Helpers for background tasks that any app may use (core imports nothing of Refuge).

An app that needs work done in the background (an alarm to send, say) defines a huey task in
its own `tasks.py` (`huey.contrib.djhuey.db_task`, which `refuge worker` finds there) and
enqueues it with `enqueue_on_commit`, so that the worker never sees a row that was rolled
back, and never misses one that was committed. A task that may fail on an outside service
retries with exponential backoff (huey's `retry_backoff`, from huey 3.5):

    @db_task(retries=8, retry_delay=30, retry_backoff=2)  # 30 s, 1 min, 2 min, ... 64 min
    def send_alarm(alarm_id: int) -> None: ...

    enqueue_on_commit(send_alarm, alarm.pk)

Periodic safety work does not rely on the queue keeping a task: ops.scheduling re-derives it
from the database every minute (a worker killed mid-task loses nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
    """Enqueue a huey task once the current transaction commits (at once outside one).

    The queue only makes the work start sooner: its rows are committed already and a periodic
    tick finds them. So a queue that cannot be reached is logged (its error's class, nothing
    else) and never fails the request that committed the work."""
    transaction.on_commit(lambda: _enqueue(task, args, kwargs))


def _enqueue(task: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        task(*args, **kwargs)
    except Exception as error:  # noqa: BLE001 - the queue's storage failing, of any kind
        name = getattr(task, "name", getattr(task, "__name__", "task"))
        logger.warning("%s not queued (%s); the next tick does it", name, type(error).__name__)


def backoff_seconds(*, attempt: int, base_seconds: int = 60, cap_seconds: int = 3600) -> int:
    """Exponential backoff: base, 2 × base, 4 × base, ... never more than the cap."""
    return int(min(cap_seconds, base_seconds * 2 ** max(0, attempt - 1)))
