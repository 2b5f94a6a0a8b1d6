"""What the worker did: one row per run of a scheduled job, and a beat per worker process.

Codes, counts and times only, never personal data: the coordinators' page shows these rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    OK = "ok", pgettext_lazy("job result", "Done")
    # Done, and found something a person must look at (missed check-ins, due follow-ups).
    ATTENTION = "attention", _("Needs attention")
    # Done, and found something wrong with the installation (the audit chain is broken, a
    # backup does not decrypt): shown in red on the console home.
    ALARM = "alarm", _("Alarm")
    NOT_CONFIGURED = "not_configured", _("Not configured")
    # Raised an error; retried with backoff until MAX_ATTEMPTS, then left failed and shown.
    FAILED = "failed", _("Failed")


class TaskRun(models.Model):
    """One run of a scheduled job for one slot (the minute or the day it is due for).

    (job, slot) is unique: however many workers see the slot, one of them claims it; a run
    whose worker died (its lease ran out) or that failed (its retry is due) is claimed again.
    """

    job = models.CharField(max_length=40)
    slot = models.DateTimeField()
    status = models.CharField(max_length=16, choices=RunStatus.choices)
    code = models.CharField(max_length=40, blank=True, default="")
    count = models.IntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The exception's class name when it failed: never its message, which may quote data.
    error = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="ops_one_run_per_slot")]
        indexes = [models.Index(fields=["job", "-slot"], name="ops_taskrun_latest")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M} {self.status}"


class WorkerBeat(models.Model):
    """A worker process says it is alive (each minute); the page lists those seen lately."""

    worker = models.CharField(max_length=120, unique=True)  # host name and process id
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField()
    storage = models.CharField(max_length=10)  # "sqlite" or "redis"

    def __str__(self) -> str:
        return self.worker
