"""What the coordinators' "Scheduled work" page and the console home show (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from refuge.ops.models import RunStatus, TaskRun, WorkerBeat
from refuge.ops.scheduling import MAX_ATTEMPTS, Job, jobs, latest_runs

# A worker beats each minute: one not seen for this long is taken as stopped.
WORKER_SILENT_AFTER = timedelta(minutes=3)
TROUBLE = (RunStatus.FAILED, RunStatus.ALARM, RunStatus.NOT_CONFIGURED)

# What to do, by result code: shown beside the job on the page.
ADVICE: dict[str, Promise] = {
    "backup_dir_unset": _(
        "Backups are off. Set REFUGE_BACKUP_DIR to a folder, ideally on another disk, and "
        "REFUGE_BACKUP_PASSPHRASE_FILE, then restart the worker."
    ),
    "backup_dir_missing": _(
        "The folder in REFUGE_BACKUP_DIR does not exist: create it (readable by the service "
        "user only) or correct the setting."
    ),
    "backup_dir_not_writable": _(
        "The worker cannot write to the folder in REFUGE_BACKUP_DIR: give the service user "
        "write access to it."
    ),
    "passphrase_unset": _(
        "No backup passphrase: put it in a file readable by the service user only and set "
        "REFUGE_BACKUP_PASSPHRASE_FILE to its path, then restart the worker."
    ),
    "passphrase_file_unreadable": _(
        "The worker cannot read the file in REFUGE_BACKUP_PASSPHRASE_FILE: check its path "
        "and owner."
    ),
    "passphrase_too_short": _("The backup passphrase needs at least 12 characters."),
    "backup_unreadable": _(
        "The backup just written does not decrypt. Check the disk, then run "
        '"refuge backup FILE" by hand and keep the last good backup.'
    ),
    "chain_broken": _(
        "The audit log's hash chain is broken: entries were edited, inserted or deleted. "
        'Run "refuge audit verify" on the server and follow docs/audit-and-evidence.md.'
    ),
    "missed_checkins": _("People missed their check-ins: open the cases and reach them."),
    "follow_ups_due": _("Follow-ups are due or unread in the hotline queue."),
}
FAILED_ADVICE = _(
    "The job raised an error. It is tried again with growing delays, up to %(attempts)s "
    "times; then it waits for its next run. The worker's log names the error."
)


@dataclass(frozen=True, slots=True)
class JobState:
    job: Job
    run: TaskRun | None
    schedule: str

    @property
    def is_trouble(self) -> bool:
        return self.run is not None and self.run.status in TROUBLE

    @property
    def advice(self) -> str:
        if self.run is None:
            return ""
        if self.run.status == RunStatus.FAILED:
            return str(FAILED_ADVICE % {"attempts": MAX_ATTEMPTS})
        return str(ADVICE.get(self.run.code, ""))

    @property
    def gave_up(self) -> bool:
        return (
            self.run is not None
            and self.run.status == RunStatus.FAILED
            and self.run.next_attempt_at is None
        )


@dataclass(frozen=True, slots=True)
class ScheduledWork:
    states: list[JobState]
    workers: list[WorkerBeat]
    recent_trouble: list[TaskRun]

    @property
    def trouble(self) -> list[JobState]:
        return [state for state in self.states if state.is_trouble]

    @property
    def worker_running(self) -> bool:
        return bool(self.workers)


def _schedule_of(job: Job) -> str:
    if job.daily_at is not None:
        return str(_("daily at %(time)s") % {"time": job.daily_at.strftime("%H:%M")})
    if job.every_minutes == 1:
        return str(_("every minute"))
    return str(_("every %(minutes)s minutes") % {"minutes": job.every_minutes})


def scheduled_work(*, now: datetime | None = None) -> ScheduledWork:
    now = now or timezone.now()
    latest = latest_runs()
    return ScheduledWork(
        states=[JobState(job, latest.get(job.name), _schedule_of(job)) for job in jobs()],
        workers=list(
            WorkerBeat.objects.filter(seen_at__gte=now - WORKER_SILENT_AFTER).order_by("worker")
        ),
        recent_trouble=list(
            TaskRun.objects.filter(status__in=(RunStatus.FAILED, RunStatus.ALARM)).order_by(
                "-started_at"
            )[:20]
        ),
    )
