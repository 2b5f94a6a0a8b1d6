"""Scheduled safety work: what runs when, who claims a run, and what became of it.

The queue is not the record. Every minute the worker's tick asks the database which job's
current slot (this minute, these five minutes, today's run time) has no finished run, and
enqueues those; `run_job` claims the slot by inserting its TaskRun row (unique per job and
slot) or by taking over a row whose lease ran out (its worker died) or whose retry is due
(it failed). So several workers on several machines run a slot once, and a worker killed
mid-task (huey has no acknowledgement: a dequeued task is gone) loses nothing: a minute
later the slot is claimed again. Failures are retried with exponential backoff up to
MAX_ATTEMPTS, then stay failed on the coordinators' page until the next slot.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise

from refuge.core.tasks import backoff_seconds
from refuge.ops.models import RunStatus, TaskRun, WorkerBeat

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
DONE = (RunStatus.OK, RunStatus.ATTENTION, RunStatus.ALARM, RunStatus.NOT_CONFIGURED)


@dataclass(frozen=True, slots=True)
class JobResult:
    """What a job found: codes and counts only."""

    status: RunStatus = RunStatus.OK
    code: str = ""
    count: int | None = None


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    label: str | Promise
    run: Callable[[], JobResult]
    every_minutes: int = 0  # a job every N minutes, or
    daily_at: time | None = None  # once a day at this time of the installation's zone
    lease_minutes: float = 10  # a run still "running" after this was abandoned by its worker

    def current_slot(self, now: datetime) -> datetime:
        """The start of the period `now` falls in: the slot a run now is for."""
        if self.daily_at is not None:
            zone = ZoneInfo(settings.TIME_ZONE)
            local = now.astimezone(zone)
            slot = datetime.combine(local.date(), self.daily_at, tzinfo=zone)
            if slot > local:
                slot -= timedelta(days=1)
            return slot.astimezone(ZoneInfo("UTC"))
        minutes = max(1, self.every_minutes)
        floored = now.replace(second=0, microsecond=0)
        return floored - timedelta(minutes=floored.minute % minutes)

    @property
    def period(self) -> timedelta:
        return timedelta(days=1) if self.daily_at else timedelta(minutes=self.every_minutes)


_jobs: dict[str, Job] = {}


def register(job: Job) -> Job:
    _jobs[job.name] = job
    return job


def jobs() -> list[Job]:
    return list(_jobs.values())


def job_named(name: str) -> Job | None:
    return _jobs.get(name)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def record_beat(*, started_at: datetime) -> None:
    """This worker process is alive (the tick calls it each minute)."""
    storage = "redis" if settings.REDIS_URL else "sqlite"
    WorkerBeat.objects.update_or_create(
        worker=worker_name()[:120],
        defaults={"seen_at": timezone.now(), "started_at": started_at, "storage": storage},
    )
    WorkerBeat.objects.filter(seen_at__lt=timezone.now() - timedelta(days=1)).delete()


def _claimable(now: datetime) -> Q:
    """A failed run whose retry is due, or a run whose worker died (its lease ran out)."""
    retry_due = Q(status=RunStatus.FAILED, attempts__lt=MAX_ATTEMPTS, next_attempt_at__lte=now)
    return retry_due | Q(status=RunStatus.RUNNING, lease_until__lt=now)


def due_slots(now: datetime | None = None) -> list[tuple[Job, datetime]]:
    """Jobs whose current slot has no run, or a run that may be claimed again."""
    now = now or timezone.now()
    due = []
    for job in jobs():
        slot = job.current_slot(now)
        run = TaskRun.objects.filter(job=job.name, slot=slot).first()
        if run is None or TaskRun.objects.filter(_claimable(now), pk=run.pk).exists():
            due.append((job, slot))
    return due


def claim(job: Job, slot: datetime, *, now: datetime) -> TaskRun | None:
    """Take the slot for this worker, or None if another has it or it is done."""
    lease_until = now + timedelta(minutes=job.lease_minutes)
    try:
        with transaction.atomic():
            return TaskRun.objects.create(
                job=job.name,
                slot=slot,
                status=RunStatus.RUNNING,
                started_at=now,
                lease_until=lease_until,
            )
    except IntegrityError:
        pass
    taken = TaskRun.objects.filter(_claimable(now), job=job.name, slot=slot).update(
        status=RunStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        finished_at=None,
        lease_until=lease_until,
        next_attempt_at=None,
    )
    return TaskRun.objects.get(job=job.name, slot=slot) if taken else None


def _finish(run: TaskRun, **fields: object) -> None:
    TaskRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **fields)


def _prune(job: Job, now: datetime) -> None:
    keep = max(timedelta(days=2), job.period * 60)
    TaskRun.objects.filter(job=job.name, slot__lt=now - keep).delete()


def run_job(*, name: str, slot: datetime) -> TaskRun | None:
    """Claim the slot and run the job; record what it found, or its failure. Never raises:
    nothing a job does may stop the worker."""
    job = job_named(name)
    if job is None:
        logger.warning("scheduled job unknown: %s", name)
        return None
    now = timezone.now()
    run = claim(job, slot, now=now)
    if run is None:
        return None
    try:
        result = job.run()
    except Exception as error:  # noqa: BLE001 - recorded, retried and shown; never re-raised
        retry_at = now + timedelta(seconds=backoff_seconds(attempt=run.attempts))
        _finish(
            run,
            status=RunStatus.FAILED,
            error=type(error).__name__[:80],
            code="",
            count=None,
            next_attempt_at=retry_at if run.attempts < MAX_ATTEMPTS else None,
        )
        # The class name and the job only: an exception's message may quote personal data.
        logger.error(
            "scheduled job %s failed (%s), attempt %s", name, type(error).__name__, run.attempts
        )
    else:
        _finish(run, status=result.status, code=result.code, count=result.count, error="")
        # A clean run is routine (one a minute); what someone must look at is a warning.
        level = logging.DEBUG if result.status == RunStatus.OK else logging.WARNING
        logger.log(level, "scheduled job %s: %s %s", name, result.status, result.code)
    _prune(job, now)
    run.refresh_from_db()
    return run


def record_task_failure(*, task_name: str, error: str) -> TaskRun:
    """A queued task (an alarm, say) failed its last retry: keep it where coordinators look."""
    now = timezone.now()
    return TaskRun.objects.create(
        job=task_name.rsplit(".", 1)[-1][:40],
        slot=now,
        status=RunStatus.FAILED,
        started_at=now,
        finished_at=now,
        lease_until=now,
        error=error[:80],
    )


def latest_runs() -> dict[str, TaskRun]:
    """Each job's newest run (one query per job, over its index)."""
    latest = {}
    for job in jobs():
        run = TaskRun.objects.filter(job=job.name).order_by("-slot").first()
        if run is not None:
            latest[job.name] = run
    return latest
