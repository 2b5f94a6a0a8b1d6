"""The worker's estimate tasks (`refuge worker` loads every app's tasks.py).

A queued estimate asks the worker at once, after its transaction commits; the tick each minute
asks again while a job waits (a request lost with the queue, a job whose worker died), so a
job never waits for a person to run a command. One estimate runs at a time in the whole
installation, oldest first (jobs.run_waiting_estimates): an estimate takes minutes of
processor time, and the worker's other threads stay free for alarms and messages.
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(name="refuge.analysis.run_estimates")
def run_estimates() -> None:
    """Run the waiting estimates, oldest first, unless one is running already."""
    from refuge.analysis.jobs import run_waiting_estimates

    run_waiting_estimates()


@db_periodic_task(crontab(minute="*"), name="refuge.analysis.tick")
def tick() -> None:
    """Each minute: start the waiting estimates unless one is running."""
    from refuge.analysis.jobs import next_estimate_job

    if next_estimate_job() is not None:
        run_estimates()
