"""Estimates run by the background worker, with their progress on the page.

A latent-class estimate takes minutes, so a request only records what to estimate
(`request_estimate`) and asks the worker (analysis.tasks) once it commits; the worker's tick
also starts the oldest waiting job each minute, so a lost request costs a minute. `refuge
runestimates` runs waiting jobs without a worker. Running a job is idempotent: a job that is
done, failed, or running elsewhere is left as it is; a job whose worker died (no progress for
STALE_AFTER) is taken over and run again from the start (same seed, so the same result). One
job runs at a time in the installation: a job is claimed only while no other is running.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, F, Q
from django.http import Http404
from django.utils import timezone

from refuge.accounts.models import Operator
from refuge.accounts.permissions import require
from refuge.accounts.roles import Capability
from refuge.analysis.estimation import (
    CaptureTable,
    Method,
    SamplerSettings,
    compared_as_json,
    estimate_by_method,
)
from refuge.analysis.estimation.lcmcr import new_seed
from refuge.analysis.models import EstimateJob, EstimateJobStatus, EstimateMethod
from refuge.analysis.tasks import run_estimates
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.core.errors import DomainError
from refuge.core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

# A running job whose worker wrote no progress for this long is presumed dead.
STALE_AFTER = timedelta(minutes=10)
# Progress is written when it moved by a percent, or at least this often (seconds).
PROGRESS_EVERY_SECONDS = 2.0
UNEXPECTED_FAILURE = "the estimate stopped on an unexpected error (see the server log)"


@dataclass(frozen=True, slots=True)
class CaptureCounts:
    """What the analyst asked to estimate, already reduced to counts per capture pattern.

    People are the clusters of linkage run `run_id`; `not_in_run` victims were documented
    after it and each count as one person.
    """

    table: CaptureTable
    violations: tuple[str, ...]
    victims: int
    people: int
    unnamed: int
    linkage_method: str
    run_id: int | None = None
    not_in_run: int = 0


@transaction.atomic
def request_estimate(
    *,
    analyst: Operator,
    capture: CaptureCounts,
    method: EstimateMethod,
    settings: SamplerSettings | None = None,
) -> EstimateJob:
    """Queue an estimate of this capture table for the worker; audited."""
    require(analyst, Capability.ANALYSE)
    settings = settings or SamplerSettings()
    job = EstimateJob.objects.create(
        requested_by=analyst,
        method=method,
        list_names=list(capture.table.list_names),
        counts=list(capture.table.counts),
        violations=list(capture.violations),
        linkage={
            "victims": capture.victims,
            "people": capture.people,
            "unnamed": capture.unnamed,
            "method": capture.linkage_method,
            "run": capture.run_id,
            "not_in_run": capture.not_in_run,
        },
        seed=new_seed(),
        chains=settings.chains,
        burn_in=settings.burn_in,
        iterations=settings.iterations,
        thin=settings.thin,
        max_classes=settings.max_classes,
    )
    record_event(
        AuditAction.RECORD_CREATED,
        actor=analyst,
        target=job,
        details={
            "method": method.value,
            "lists": len(capture.table.list_names),
            "linkage_run": capture.run_id,
        },
    )
    enqueue_on_commit(run_estimates)  # the worker's tick starts it too
    return job


def get_estimate_job_for(operator: Operator, job_id: int) -> EstimateJob:
    """The job, for an operator who may analyse (estimates hold counts only, shared by
    analysts); 404 when there is no such job."""
    require(operator, Capability.ANALYSE)
    try:
        return EstimateJob.objects.get(pk=job_id)
    except EstimateJob.DoesNotExist:
        raise Http404 from None


def run_estimate_job(
    job_id: int, *, on_progress: Callable[[float], None] | None = None
) -> EstimateJob:
    """Run one queued estimate to its end and store the result. Idempotent (module docstring).

    `on_progress` is told each progress fraction after it is stored (for a worker's log).
    """
    if not _claim(job_id):
        return EstimateJob.objects.get(pk=job_id)
    job = EstimateJob.objects.get(pk=job_id)
    progress = _ProgressWriter(job_id, on_progress)
    try:
        compared = estimate_by_method(
            CaptureTable(tuple(job.list_names), tuple(job.counts)),
            method=Method(job.method),
            settings=_settings(job),
            seed=job.seed,
            progress=progress,
        )
    except DomainError as error:
        _finish(job, status=EstimateJobStatus.FAILED, error=str(error))
    except Exception:
        # Counts and ids only reach the log: the job holds nothing personal.
        logger.exception("estimate job %s failed", job_id)
        _finish(job, status=EstimateJobStatus.FAILED, error=UNEXPECTED_FAILURE)
        raise
    else:
        _finish(job, status=EstimateJobStatus.DONE, result=compared_as_json(compared))
    job.refresh_from_db()
    return job


def pending_estimate_jobs() -> list[int]:
    """Ids of the jobs a worker should run: queued, or running with a dead worker; oldest first."""
    stale = timezone.now() - STALE_AFTER
    return list(
        EstimateJob.objects.filter(_runnable(stale))
        .order_by("requested_at", "pk")
        .values_list("pk", flat=True)
    )


def _runnable(stale: object) -> Q:
    return Q(status=EstimateJobStatus.QUEUED) | Q(
        status=EstimateJobStatus.RUNNING, heartbeat_at__lt=stale
    )


def _running_elsewhere(stale: object, *, besides: int | None = None) -> Exists:
    """A job other than `besides` that is running, with a worker that still writes progress."""
    others = EstimateJob.objects.filter(status=EstimateJobStatus.RUNNING, heartbeat_at__gte=stale)
    return Exists(others.exclude(pk=besides) if besides is not None else others)


def next_estimate_job() -> int | None:
    """The job a worker should start now: the oldest pending one, unless one is running."""
    stale = timezone.now() - STALE_AFTER
    if EstimateJob.objects.filter(_running_elsewhere(stale)).exists():
        return None
    pending = pending_estimate_jobs()
    return pending[0] if pending else None


def _claim(job_id: int) -> bool:
    """Mark the job running if it is runnable and no other job is running; one conditional
    UPDATE, so one worker wins and one estimate runs at a time."""
    now = timezone.now()
    stale = now - STALE_AFTER
    runnable = Q(pk=job_id) & _runnable(stale) & ~_running_elsewhere(stale, besides=job_id)
    claimed = EstimateJob.objects.filter(runnable).update(
        status=EstimateJobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=0.0,
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def _settings(job: EstimateJob) -> SamplerSettings:
    return SamplerSettings(
        max_classes=job.max_classes,
        chains=job.chains,
        burn_in=job.burn_in,
        iterations=job.iterations,
        thin=job.thin,
    )


class _ProgressWriter:
    """Stores the sampler's progress on the job, a percent (or two seconds) at a time."""

    def __init__(self, job_id: int, observer: Callable[[float], None] | None) -> None:
        self.job_id = job_id
        self.observer = observer
        self.written = 0.0
        self.written_at = time.monotonic()

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if fraction - self.written < 0.01 and now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written, self.written_at = fraction, now
        EstimateJob.objects.filter(pk=self.job_id, status=EstimateJobStatus.RUNNING).update(
            progress=min(max(fraction, 0.0), 1.0), heartbeat_at=timezone.now()
        )
        if self.observer is not None:
            self.observer(fraction)


@transaction.atomic
def _finish(
    job: EstimateJob, *, status: EstimateJobStatus, result: object = None, error: str = ""
) -> None:
    now = timezone.now()
    EstimateJob.objects.filter(pk=job.pk).update(
        status=status,
        result=result,
        error=error,
        finished_at=now,
        heartbeat_at=now,
        progress=1.0 if status == EstimateJobStatus.DONE else F("progress"),
    )
    record_event(
        AuditAction.RECORD_CHANGED, actor=None, target=job, details={"status": status.value}
    )


def run_waiting_estimates() -> list[EstimateJob]:
    """Run the waiting jobs oldest first, one at a time, until none waits or another worker
    is running one (what the worker's task does)."""
    finished = []
    while (job_id := next_estimate_job()) is not None:
        job = run_estimate_job(job_id)
        if job.status not in (EstimateJobStatus.DONE, EstimateJobStatus.FAILED):
            break  # another worker claimed it first: that worker goes on
        finished.append(job)
    return finished
