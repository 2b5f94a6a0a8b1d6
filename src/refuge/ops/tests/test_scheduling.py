"""Scheduled safety work: one run per slot whatever the number of workers, retries with
growing delays, a dead worker's run taken over, all through huey's real SQLite storage."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from refuge.ops import tasks
from refuge.ops.models import RunStatus, TaskRun
from refuge.ops.scheduling import (
    MAX_ATTEMPTS,
    Job,
    JobResult,
    due_slots,
    jobs,
    run_job,
)

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 3, 2, 12, 0, 30, tzinfo=UTC)


class Boom(Exception):
    pass


def _failing() -> JobResult:
    raise Boom("a message that could quote a name")


def _drain_queue() -> int:
    """Be the worker: take each task from huey's storage and execute it, until none is left."""
    executed = 0
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        executed += 1
    return executed


def test_huey_uses_its_sqlite_storage_in_the_data_directory_not_immediate_mode(settings):
    assert HUEY.immediate is False
    assert type(HUEY).__name__ == "SqliteHuey"
    assert HUEY.storage.filename == str(settings.HUEY_FILE)
    assert settings.HUEY_FILE.stat().st_mode & 0o777 == 0o600


# Committed transactions, as in the worker: huey's db_task closes a connection left inside a
# transaction, which a test wrapped in one would be.
@pytest.mark.django_db(transaction=True)
def test_the_tick_enqueues_every_due_job_and_the_worker_runs_each_once():
    HUEY.flush()
    tasks.tick()  # enqueued in the SQLite queue, as the consumer's scheduler does each minute
    assert HUEY.pending_count() == 1

    _drain_queue()

    runs = {run.job: run for run in TaskRun.objects.all()}
    assert set(runs) == {job.name for job in jobs()}
    assert all(run.attempts == 1 and run.finished_at for run in runs.values())
    assert runs["audit_chain"].status == RunStatus.OK
    assert runs["backup"].status == RunStatus.NOT_CONFIGURED
    assert runs["backup"].code == "backup_dir_unset"
    # Nothing is due any more: a second tick in the same minute enqueues only itself.
    tasks.tick()
    assert _drain_queue() == 1
    assert TaskRun.objects.count() == len(jobs())


def test_a_slot_runs_once_however_many_workers_receive_it(extra_job):
    calls: list[int] = []

    def counted() -> JobResult:
        calls.append(1)
        return JobResult()

    extra_job(Job("counted", "counted", counted, every_minutes=1))
    slot = NOON.replace(second=0)

    with time_machine.travel(NOON, tick=False):
        first = run_job(name="counted", slot=slot)
        second = run_job(name="counted", slot=slot)

    assert first is not None
    assert first.status == RunStatus.OK
    assert second is None
    assert calls == [1]


def test_a_failing_job_is_retried_with_growing_delays_then_shown_as_failed(extra_job, caplog):
    job = extra_job(Job("flaky", "flaky", _failing, daily_at=time(3, 0)))
    now = NOON
    delays = []
    with time_machine.travel(now, tick=False) as traveller:
        slot = job.current_slot(timezone.now())
        for attempt in range(1, MAX_ATTEMPTS + 1):
            assert (job, slot) in due_slots()
            run = run_job(name="flaky", slot=slot)
            assert run is not None
            assert run.status == RunStatus.FAILED
            assert run.attempts == attempt
            assert run.error == "Boom"
            if run.next_attempt_at is not None:
                delays.append((run.next_attempt_at - timezone.now()).total_seconds())
                assert (job, slot) not in due_slots()  # not before its delay
                traveller.move_to(run.next_attempt_at + timedelta(seconds=1))
        assert (job, slot) not in due_slots()  # given up until tomorrow's slot

    assert delays == [60, 120, 240, 480]
    assert run is not None  # the last attempt's run
    assert run.next_attempt_at is None
    assert "a message that could quote a name" not in caplog.text
    assert "Boom" in caplog.text


def test_a_run_whose_worker_died_is_taken_over_once_its_lease_ran_out(extra_job):
    job = extra_job(
        Job("long", "long", lambda: JobResult(count=3), daily_at=time(3), lease_minutes=5)
    )
    slot = job.current_slot(NOON)
    TaskRun.objects.create(
        job="long",
        slot=slot,
        status=RunStatus.RUNNING,
        started_at=NOON,
        lease_until=NOON + timedelta(minutes=5),
    )

    with time_machine.travel(NOON + timedelta(minutes=4), tick=False):
        assert (job, slot) not in due_slots()
        assert run_job(name="long", slot=slot) is None  # still leased: its worker may be alive
    with time_machine.travel(NOON + timedelta(minutes=6), tick=False):
        assert (job, slot) in due_slots()
        run = run_job(name="long", slot=slot)

    assert run is not None
    assert run.status == RunStatus.OK
    assert run.count == 3
    assert run.attempts == 2


def test_daily_slots_are_in_the_installations_time_zone(settings):
    settings.TIME_ZONE = "Europe/Moscow"  # UTC+3
    job = Job("daily", "daily", JobResult, daily_at=time(3, 0))

    before = job.current_slot(datetime(2026, 3, 2, 23, 59, tzinfo=UTC))  # 02:59 Moscow
    after = job.current_slot(datetime(2026, 3, 3, 0, 1, tzinfo=UTC))  # 03:01 Moscow

    assert before == datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
    assert after == datetime(2026, 3, 3, 0, 0, tzinfo=UTC)


def test_an_unknown_job_from_an_older_queue_is_skipped():
    assert run_job(name="no_such_job", slot=NOON) is None
    assert not TaskRun.objects.exists()


@HUEY.task(retries=1, retry_delay=0, name="refuge.ops.tests.always_fails")
def always_fails() -> None:
    raise Boom(f"a message that quotes {'Иван'.upper()}")  # built, so no source line shows it


def test_a_queued_task_out_of_retries_is_recorded_for_coordinators(caplog):
    HUEY.flush()
    always_fails()

    assert _drain_queue() == 2  # the first attempt and its retry

    run = TaskRun.objects.get()
    assert (run.job, run.status, run.error) == ("always_fails", RunStatus.FAILED, "Boom")
    assert "Boom" in caplog.text  # huey's own log of the error: its type and traceback...
    assert "ИВАН" not in caplog.text  # ...never its message
