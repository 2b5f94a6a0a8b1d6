"""The worker's huey tasks for scheduled safety work (`refuge worker` loads every app's
`tasks.py`). The tick is huey's periodic task; what is due comes from the database
(ops.scheduling), so a lost queue entry costs a minute, never a run."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import DatabaseError
from django.utils import timezone
from huey import crontab
from huey.api import Task
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.signals import SIGNAL_ERROR

from refuge.ops import scheduling

logger = logging.getLogger(__name__)
STARTED_AT = timezone.now()


@db_task(name="refuge.ops.run_job")
def run_job(name: str, slot: str) -> None:
    """Run one job for one slot (an ISO time); the claim makes duplicates harmless."""
    scheduling.run_job(name=name, slot=datetime.fromisoformat(slot))


@db_periodic_task(crontab(minute="*"), name="refuge.ops.tick")
def tick() -> None:
    """Each minute: say this worker is alive, and enqueue every job whose slot is due."""
    scheduling.record_beat(started_at=STARTED_AT)
    for job, slot in scheduling.due_slots():
        run_job(job.name, slot.isoformat())


@HUEY.signal(SIGNAL_ERROR)
def record_final_failure(signal: str, task: Task, error: BaseException | None = None) -> None:
    """A task out of retries is recorded for the coordinators' page, not silently dropped.
    (Scheduled jobs record their own failures and never raise.)"""
    if task.retries:
        return  # huey retries it, with its backoff
    name = type(error).__name__ if error is not None else ""
    logger.error("task %s failed for good (%s)", task.name, name)
    try:
        scheduling.record_task_failure(task_name=task.name, error=name)
    except DatabaseError:
        logger.error("task %s: its failure could not be recorded (database)", task.name)


@HUEY.on_startup()
def catch_up() -> None:
    """A worker starting (or restarting after a crash) looks at once, not at the next minute."""
    tick()
