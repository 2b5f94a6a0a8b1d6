"""The worker's huey tasks for scheduled safety work (`refuge worker` loads every app's
`tasks.py`). The tick is huey's periodic task; what is due comes from the database
(ops.scheduling), so a lost queue entry costs a minute, never a run."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from refuge.ops import scheduling

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


@HUEY.on_startup()
def catch_up() -> None:
    """A worker starting (or restarting after a crash) looks at once, not at the next minute."""
    tick()
