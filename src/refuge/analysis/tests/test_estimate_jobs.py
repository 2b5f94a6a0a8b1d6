"""Estimates run in the background: queue, claim, progress, result, idempotence, the page."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from refuge.accounts.models import Operator
from refuge.accounts.roles import Role
from refuge.analysis.estimate_page import estimate_page, note_text
from refuge.analysis.estimation import CaptureTable, SamplerSettings
from refuge.analysis.jobs import (
    STALE_AFTER,
    CaptureCounts,
    next_estimate_job,
    pending_estimate_jobs,
    request_estimate,
    run_estimate_job,
    run_waiting_estimates,
)
from refuge.analysis.linking import run_linkage
from refuge.analysis.models import EstimateJob, EstimateJobStatus, EstimateMethod
from refuge.analysis.tests.test_statistics import _document
from refuge.audit.models import AuditAction, AuditEvent
from refuge.documentation.choices import SourceKind, ViolationType
from refuge.testing import keyring_for, log_in
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db

QUICK = SamplerSettings(max_classes=4, chains=2, burn_in=100, iterations=400, thin=2)
THREE_LISTS = CaptureTable(
    ("testimony", "media_report", "organisation_report"), (40, 50, 12, 60, 15, 20, 8)
)


def _capture(table: CaptureTable = THREE_LISTS) -> CaptureCounts:
    return CaptureCounts(
        table=table,
        violations=("beating",),
        victims=table.observed + 5,
        people=table.observed,
        unnamed=2,
        linkage_method="exact",
    )


@pytest.fixture
def analyst(operator_factory: Any) -> Any:
    return operator_factory("numbers", Role.ANALYST)


def _queued(
    analyst: Operator,
    table: CaptureTable = THREE_LISTS,
    method: EstimateMethod = EstimateMethod.AUTO,
) -> EstimateJob:
    return request_estimate(analyst=analyst, capture=_capture(table), method=method, settings=QUICK)


def test_requesting_an_estimate_queues_counts_only_and_is_audited(analyst: Operator) -> None:
    job = _queued(analyst)

    assert job.status == EstimateJobStatus.QUEUED
    assert job.list_names == ["testimony", "media_report", "organisation_report"]
    assert job.counts == [40, 50, 12, 60, 15, 20, 8]
    assert (job.chains, job.burn_in, job.iterations, job.thin) == (2, 100, 400, 2)
    assert job.seed >= 0
    event = AuditEvent.objects.get(action=AuditAction.RECORD_CREATED, target_id=str(job.pk))
    assert event.actor_id == analyst.pk
    assert event.details == {"method": "auto", "lists": 3, "linkage_run": None}


def test_the_worker_runs_a_job_to_both_methods_side_by_side(analyst: Operator) -> None:
    job = _queued(analyst)
    seen: list[float] = []

    done = run_estimate_job(job.pk, on_progress=seen.append)

    assert done.status == EstimateJobStatus.DONE
    assert done.progress == 1.0
    assert done.attempts == 1
    assert done.started_at is not None
    assert done.finished_at is not None
    assert seen
    assert seen == sorted(seen)
    result = done.result
    assert result is not None
    assert result["observed"] == THREE_LISTS.observed
    assert result["loglinear"]["estimate"] > THREE_LISTS.observed
    assert result["lcmcr"]["seed"] == job.seed
    assert result["lcmcr"]["settings"]["iterations"] == 400
    assert (
        AuditEvent.objects.filter(action=AuditAction.RECORD_CHANGED, target_id=str(job.pk)).count()
        == 1
    )


def test_running_a_finished_job_again_changes_nothing(analyst: Operator) -> None:
    job = run_estimate_job(_queued(analyst).pk)

    again = run_estimate_job(job.pk)

    assert again.finished_at == job.finished_at
    assert again.attempts == 1
    assert again.result == job.result


def test_a_job_running_elsewhere_is_left_alone_until_its_worker_goes_quiet(
    analyst: Operator,
) -> None:
    job = _queued(analyst)
    now = timezone.now()
    EstimateJob.objects.filter(pk=job.pk).update(
        status=EstimateJobStatus.RUNNING, heartbeat_at=now, progress=0.4
    )

    assert run_estimate_job(job.pk).status == EstimateJobStatus.RUNNING
    assert pending_estimate_jobs() == []

    EstimateJob.objects.filter(pk=job.pk).update(
        heartbeat_at=now - STALE_AFTER - timedelta(seconds=1)
    )
    assert pending_estimate_jobs() == [job.pk]
    taken_over = run_estimate_job(job.pk)
    assert taken_over.status == EstimateJobStatus.DONE
    assert taken_over.attempts == 1


def test_one_estimate_runs_at_a_time_the_next_starts_when_it_ends(analyst: Operator) -> None:
    running, waiting = _queued(analyst), _queued(analyst)
    EstimateJob.objects.filter(pk=running.pk).update(
        status=EstimateJobStatus.RUNNING, heartbeat_at=timezone.now(), progress=0.4
    )

    assert next_estimate_job() is None
    assert run_estimate_job(waiting.pk).status == EstimateJobStatus.QUEUED  # not claimed

    EstimateJob.objects.filter(pk=running.pk).update(status=EstimateJobStatus.FAILED, error="x")
    assert next_estimate_job() == waiting.pk
    assert run_estimate_job(waiting.pk).status == EstimateJobStatus.DONE
    assert next_estimate_job() is None


def test_the_workers_task_runs_the_waiting_jobs_oldest_first(analyst: Operator) -> None:
    first, second = _queued(analyst), _queued(analyst, method=EstimateMethod.LOGLINEAR)

    finished = run_waiting_estimates()

    assert [job.pk for job in finished] == [first.pk, second.pk]
    assert [job.status for job in finished] == [EstimateJobStatus.DONE] * 2
    first_finished, second_started = finished[0].finished_at, finished[1].started_at
    assert first_finished is not None
    assert second_started is not None
    assert first_finished <= second_started  # one at a time
    assert run_waiting_estimates() == []


def test_a_job_whose_worker_went_quiet_blocks_no_other(analyst: Operator) -> None:
    dead, waiting = _queued(analyst), _queued(analyst)
    EstimateJob.objects.filter(pk=dead.pk).update(
        status=EstimateJobStatus.RUNNING,
        heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1),
    )

    assert next_estimate_job() == dead.pk  # the oldest waiting: taken over first
    assert run_estimate_job(waiting.pk).status == EstimateJobStatus.DONE


def test_a_table_neither_method_can_estimate_fails_with_the_reasons(analyst: Operator) -> None:
    apart = CaptureTable(("testimony", "media_report"), (30, 40, 0))

    job = run_estimate_job(_queued(analyst, apart).pk)

    assert job.status == EstimateJobStatus.FAILED
    assert "no log-linear model" in job.error
    assert "at least three lists" in job.error
    assert job.result is None


def test_the_command_runs_every_waiting_job_oldest_first(analyst: Operator) -> None:
    first, second = _queued(analyst), _queued(analyst, method=EstimateMethod.LOGLINEAR)
    out = io.StringIO()

    call_command("runestimates", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [f"estimate job {first.pk}: done", f"estimate job {second.pk}: done"]
    second_result = EstimateJob.objects.get(pk=second.pk).result
    assert second_result is not None
    assert second_result["method_used"] == "loglinear"
    out = io.StringIO()
    call_command("runestimates", stdout=out)
    assert out.getvalue().strip() == "no estimate is waiting"
    with pytest.raises(CommandError, match="no estimate job 99999"):
        call_command("runestimates", "--job", "99999")


def test_the_page_queues_and_never_estimates_in_the_request(
    client: Client, analyst: Operator, operator_factory: Any, monkeypatch: Any
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the request ran the estimator")

    monkeypatch.setattr("refuge.analysis.jobs.estimate_by_method", refuse)
    log_in(client, analyst)
    lists = {"lists": ["testimony", "organisation_report"], "method": "lcmcr"}
    empty = client.post(reverse("analysis:estimate"), lists)
    assert empty.status_code == 200  # nobody documented yet: a form error, no job
    assert empty.context["form"].non_field_errors()
    assert not EstimateJob.objects.exists()
    chief = operator_factory("chief", Role.COORDINATOR)
    with vault.activated(keyring_for(chief)):
        _document(
            chief,
            names=["Ахмед Исаев", "Руслан Умаров"],
            violation=ViolationType.BEATING,
            kind=SourceKind.TESTIMONY,
            origin="x",
        )
        _document(
            chief,
            names=["Akhmed Isaev"],
            violation=ViolationType.BEATING,
            kind=SourceKind.ORGANISATION_REPORT,
            origin="org",
        )
    unlinked = client.post(reverse("analysis:estimate"), lists)
    assert "Сопоставление ещё не проводилось" in unlinked.context["form"].non_field_errors()[0]
    assert not EstimateJob.objects.exists()  # unlinked records would never overlap
    with vault.activated(keyring_for(chief)):
        run = run_linkage(analyst=chief)
        _document(
            chief,
            names=["Ислам Шаипов"],
            violation=ViolationType.BEATING,
            kind=SourceKind.ORGANISATION_REPORT,
            origin="later",
        )

    answer = client.post(reverse("analysis:estimate"), lists)

    job = EstimateJob.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse(
        "analysis:estimate_job", kwargs={"estimate_job_id": job.pk}
    )
    assert job.status == EstimateJobStatus.QUEUED
    assert job.method == EstimateMethod.LCMCR
    assert job.list_names == ["testimony", "organisation_report"]
    # Umarov on testimony only, Isaev (linked by the run) on both, Shaipov (after the run) apart
    assert job.counts == [1, 1, 1]
    assert job.linkage == {
        "victims": 4,
        "people": 3,
        "unnamed": 0,
        "method": "splink",
        "run": run.pk,
        "not_in_run": 1,
    }
    listing = client.get(reverse("analysis:estimate")).content.decode()
    assert reverse("analysis:estimate_job", kwargs={"estimate_job_id": job.pk}) in listing
    assert f"Люди посчитаны по прогону сопоставления {run.pk} " in listing
    basis = client.get(answer["Location"]).content.decode()
    assert f"Люди посчитаны по прогону сопоставления {run.pk} " in basis
    assert "1 запись, добавленная позже, считается одним человеком" in basis


def test_the_job_page_shows_progress_then_both_methods(client: Client, analyst: Operator) -> None:
    job = _queued(analyst)
    log_in(client, analyst)
    url = reverse("analysis:estimate_job", kwargs={"estimate_job_id": job.pk})

    waiting = client.get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<meta http-equiv="refresh" content="5">' in waiting
    assert '<progress max="100" value="0">' in waiting
    assert "Ожидает фонового обработчика" in waiting

    run_estimate_job(job.pk)
    done = client.get(url).content.decode()
    assert "http-equiv" not in done
    assert "<progress" not in done
    assert done.count('<td class="figure">') == 2
    assert "Log-linear" in done or "Лог-линейные" in done


def test_the_page_model_reads_russian_for_a_russian_analyst(analyst: Operator) -> None:
    job = run_estimate_job(_queued(analyst).pk)

    with translation.override("ru"):
        page = estimate_page(job)
        texts = [page.choice or "", *(note for column in page.columns for note in column.notes)]

    assert page.lists == ["Свидетельство", "Публикация в СМИ", "Доклад другой организации"]
    assert any("Всего три списка" in text for text in texts)
    assert page.columns[1].name == "Латентные классы (LCMCR)"


def test_notes_are_translated_with_their_numbers() -> None:
    note = {"code": "rhat", "values": {"value": 1.034, "limit": 1.01}, "text": "english"}

    with translation.override("ru"):
        assert note_text(note).startswith(
            "Цепочки расходятся (R-hat 1,034; должно быть меньше 1,01)"
        )
    with translation.override("en"):
        assert note_text(note).startswith(
            "The chains disagree (R-hat 1.034; it must be below 1.01)"
        )
    assert note_text({"code": "unknown", "values": {}, "text": "as written"}) == "as written"
