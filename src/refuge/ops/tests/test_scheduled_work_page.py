"""The coordinators' page of scheduled work and its panel on the console home."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from refuge.accounts.roles import Role
from refuge.audit.models import AuditEvent
from refuge.ops.models import RunStatus, TaskRun, WorkerBeat
from refuge.ops.scheduling import jobs, run_job
from refuge.testing import log_in, make_operator

pytestmark = pytest.mark.django_db


def _page():
    return reverse("ops:scheduled_work")  # under /en/: the tests read English


def _client(role):
    client = Client()
    log_in(client, make_operator(f"someone-{role}", role))
    return client


def _run_every_job():
    now = timezone.now()
    for job in jobs():
        run_job(name=job.name, slot=job.current_slot(now))


def test_only_coordinators_see_the_page():
    assert _client(Role.COORDINATOR).get(_page()).status_code == 200
    for role in (Role.OPERATOR, Role.CASE_WORKER, Role.ANALYST):
        assert _client(role).get(_page()).status_code == 403


def test_the_page_shows_each_jobs_last_run_and_what_to_do():
    WorkerBeat.objects.create(
        worker="host:1", started_at=timezone.now(), seen_at=timezone.now(), storage="sqlite"
    )
    _run_every_job()

    html = _client(Role.COORDINATOR).get(_page()).content.decode()

    for label in ("Missed check-ins", "Audit chain verification", "Encrypted backup"):
        assert label in html
    assert "daily at 03:40" in html
    assert "Not configured" in html
    assert "REFUGE_BACKUP_DIR" in html  # what to do about it
    assert "host:1" in html
    assert "No background worker is running" not in html


def test_the_console_home_warns_coordinators_when_no_worker_runs():
    WorkerBeat.objects.create(
        worker="host:1",
        started_at=timezone.now() - timedelta(hours=1),
        seen_at=timezone.now() - timedelta(minutes=10),
        storage="sqlite",
    )
    home = reverse("console:home")

    assert "No background worker is running" in _client(Role.COORDINATOR).get(home).content.decode()
    assert "No background worker" not in _client(Role.OPERATOR).get(home).content.decode()


def test_a_broken_audit_chain_is_an_alarm_on_the_console_home():
    make_operator("witness", Role.OPERATOR)  # writes audit events
    oldest = AuditEvent.objects.order_by("sequence").first()
    assert oldest is not None
    AuditEvent.objects.filter(pk=oldest.pk).update(target_id="edited")
    _run_every_job()

    run = TaskRun.objects.get(job="audit_chain")
    assert (run.status, run.code) == (RunStatus.ALARM, "chain_broken")
    html = _client(Role.COORDINATOR).get(reverse("console:home")).content.decode()
    assert "The audit log&#x27;s hash chain is broken" in html


def test_the_page_is_in_russian():
    client = _client(Role.COORDINATOR)
    _run_every_job()

    with translation.override("ru"):
        html = client.get(reverse("ops:scheduled_work")).content.decode()

    assert "Запланированная работа" in html
    assert "Проверка цепочки журнала аудита" in html
