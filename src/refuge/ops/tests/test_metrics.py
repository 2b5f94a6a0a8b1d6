"""/metrics: counts and ages for the monitoring host only, never a word of a report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from refuge.hotline.tests.factories import web_report
from refuge.intake.models import Urgency
from refuge.ops.jobs import AUDIT_CHAIN, BACKUP
from refuge.ops.models import RunStatus, TaskRun, WorkerBeat
from refuge.testing import make_operator

pytestmark = pytest.mark.django_db

REPORT = "Меня держат в подвале в Аргуне"


def _metrics(client: Client, address: str = "127.0.0.1") -> Any:
    return client.get("/metrics", REMOTE_ADDR=address)


def _value(text: str, name: str) -> int:
    [line] = [line for line in text.splitlines() if line.startswith(name + " ")]
    return int(line.split()[-1])


def _finished_run(job: str, status: str, finished_at: Any) -> None:
    TaskRun.objects.create(
        job=job,
        slot=finished_at,
        status=status,
        started_at=finished_at,
        finished_at=finished_at,
        lease_until=finished_at,
    )


def test_the_monitoring_host_reads_counts_and_ages_and_nothing_of_a_report(client: Client) -> None:
    make_operator("dezhurny", intake=True)
    web_report(REPORT, urgency=Urgency.IN_DANGER)
    web_report("Второе", urgency=Urgency.HIDING)
    now = timezone.now()
    WorkerBeat.objects.create(
        worker="host:1", started_at=now, seen_at=now - timedelta(seconds=30), storage="sqlite"
    )
    _finished_run(BACKUP.name, RunStatus.OK, now - timedelta(hours=5))
    _finished_run(AUDIT_CHAIN.name, RunStatus.OK, now - timedelta(hours=4))

    response = _metrics(client)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    text = response.content.decode()
    assert 'refuge_queue_contacts{urgency="in_danger"} 1' in text
    assert 'refuge_queue_contacts{urgency="hiding"} 1' in text
    assert 'refuge_queue_contacts{urgency="detained"} 0' in text
    assert 0 <= _value(text, "refuge_oldest_untaken_contact_seconds") < 600
    assert 30 <= _value(text, "refuge_worker_last_seen_seconds") < 600
    assert 5 * 3600 <= _value(text, "refuge_last_backup_age_seconds") < 6 * 3600
    assert _value(text, "refuge_audit_chain_ok") == 1
    assert "Аргун" not in text
    assert "подвал" not in text


def test_before_any_run_the_ages_say_never_and_a_failed_chain_says_zero(client: Client) -> None:
    text = _metrics(client).content.decode()
    assert _value(text, "refuge_worker_last_seen_seconds") == -1
    assert _value(text, "refuge_last_backup_age_seconds") == -1
    assert _value(text, "refuge_audit_chain_ok") == -1
    _finished_run(AUDIT_CHAIN.name, RunStatus.ALARM, timezone.now())
    assert _value(_metrics(client).content.decode(), "refuge_audit_chain_ok") == 0


def test_any_other_address_gets_404_and_a_forged_header_does_not_help(
    client: Client, settings: Any
) -> None:
    settings.METRICS_ALLOW = ["10.0.0.5"]
    assert _metrics(client, "203.0.113.9").status_code == 404
    forged = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.5")
    assert forged.status_code == 404  # 203.0.113.9 is no trusted proxy: its header is ignored
    assert _metrics(client, "10.0.0.5").status_code == 200
