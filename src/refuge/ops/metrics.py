"""`/metrics`: the installation's health for Prometheus, in counts and ages only.

Never a name, a number or a text: how many contacts wait by urgency, how long the oldest
untaken one has waited, how long ago a worker was seen and a backup was written, whether the
audit chain passed its last check, how many alarms reached nobody. Written by hand: the text
format is a few lines of `name{label="value"} number`, not worth a dependency.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min
from django.http import HttpRequest
from django.utils import timezone

from refuge.core.addresses import client_address, in_networks, parse_address, parse_networks
from refuge.hotline.models import Contact, ContactStatus
from refuge.hotline.selectors import in_queue
from refuge.intake.models import Urgency
from refuge.oncall.selectors import failed_deliveries
from refuge.ops.jobs import AUDIT_CHAIN, BACKUP
from refuge.ops.models import RunStatus, TaskRun, WorkerBeat

UNKNOWN = -1


def may_read_metrics(request: HttpRequest) -> bool:
    """Only the addresses REFUGE_METRICS_ALLOW lists (the monitoring host), as the proxy
    reports them (REFUGE_TRUSTED_PROXIES). Onion visitors arrive from the local tor daemon,
    often 127.0.0.1 too: the deployment's onion block answers /metrics with 404 itself
    (deploy/nginx/refuge.conf); the figures are counts and ages, never a person's data."""
    address = parse_address(client_address(request).ip)
    if address is None:
        return False
    return in_networks(address, parse_networks(settings.METRICS_ALLOW))


def _seconds_since(moment: datetime | None, now: datetime) -> int:
    return int((now - moment).total_seconds()) if moment is not None else UNKNOWN


def _last_finished(job: str, *statuses: str) -> TaskRun | None:
    runs = TaskRun.objects.filter(job=job, finished_at__isnull=False)
    if statuses:
        runs = runs.filter(status__in=statuses)
    return runs.order_by("-finished_at").first()


def _audit_chain_ok() -> int:
    run = _last_finished(AUDIT_CHAIN.name, RunStatus.OK, RunStatus.ALARM)
    if run is None:
        return UNKNOWN
    return 1 if run.status == RunStatus.OK else 0


def _gauge(name: str, help_text: str, samples: Iterable[tuple[str, int]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    lines.extend(f"{name}{labels} {value}" for labels, value in samples)
    return lines


def metrics_text(*, now: datetime | None = None) -> str:
    now = now or timezone.now()
    queued = dict(
        Contact.objects.filter(in_queue())
        .values_list("urgency")
        .annotate(n=Count("pk"))
        .values_list("urgency", "n")
    )
    oldest = Contact.objects.filter(status=ContactStatus.NEW, assigned_to__isnull=True).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    beat = WorkerBeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    backup = _last_finished(BACKUP.name, RunStatus.OK)
    lines = [
        *_gauge(
            "refuge_queue_contacts",
            "Contacts in the hotline queue, by urgency.",
            [(f'{{urgency="{code}"}}', queued.get(code, 0)) for code in Urgency.values],
        ),
        *_gauge(
            "refuge_oldest_untaken_contact_seconds",
            "How long the oldest new contact nobody has taken has waited (-1: none).",
            [("", _seconds_since(oldest, now))],
        ),
        *_gauge(
            "refuge_worker_last_seen_seconds",
            "Seconds since a worker last said it was alive (-1: never).",
            [("", _seconds_since(beat, now))],
        ),
        *_gauge(
            "refuge_last_backup_age_seconds",
            "Seconds since the last scheduled backup was written and verified (-1: never).",
            [("", _seconds_since(backup.finished_at if backup else None, now))],
        ),
        *_gauge(
            "refuge_audit_chain_ok",
            "1 when the last daily audit chain check passed, 0 when it failed, -1 before any.",
            [("", _audit_chain_ok())],
        ),
        *_gauge(
            "refuge_alarm_deliveries_failed",
            "Alarms of the last day that could not be delivered to someone.",
            [("", failed_deliveries().count())],
        ),
    ]
    return "\n".join(lines) + "\n"
