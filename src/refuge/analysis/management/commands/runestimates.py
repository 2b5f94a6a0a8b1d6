"""`refuge runestimates [--job ID]`: run the estimates waiting for the background worker."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from refuge.analysis.jobs import pending_estimate_jobs, run_estimate_job
from refuge.analysis.models import EstimateJob


def _job_number(text: str) -> int:
    """A job number the database can hold (a bigint), refused plainly otherwise."""
    if not text.isascii() or not text.isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a job number")
    return int(text)


class Command(BaseCommand):
    help = (
        "Run the estimates analysts queued on the estimate page (what the background worker "
        "does): every queued job, and jobs whose worker stopped answering, oldest first. "
        "With --job, only that one. A job that is done or running elsewhere is left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--job", type=_job_number, help="run only this job (its number)")

    def handle(self, *args: Any, **options: Any) -> None:
        chosen = options["job"]
        if chosen is not None and not EstimateJob.objects.filter(pk=chosen).exists():
            raise CommandError(f"no estimate job {chosen}")
        job_ids = pending_estimate_jobs() if chosen is None else [chosen]
        for job_id in job_ids:
            job = run_estimate_job(job_id)
            line = f"estimate job {job.pk}: {job.status}"
            self.stdout.write(f"{line}: {job.error}" if job.error else line)
        if not job_ids:
            self.stdout.write("no estimate is waiting")
