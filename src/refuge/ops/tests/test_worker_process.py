"""`refuge worker` as a real process: it runs what is due, a SIGKILL mid-task loses nothing,
and two workers sharing one queue (SQLite or Redis) run each slot once."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import refuge.ops.jobs  # noqa: F401  (registers the jobs)
from refuge.ops.scheduling import jobs
from refuge.testing.smtp import smtp_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[4]
REFUGE = Path(sys.executable).parent / "refuge"
JOB_COUNT = len(jobs())  # the jobs ops.jobs registers

SLOW_WORKER = r"""
import sys, time
from datetime import time as clock
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from refuge.ops import scheduling

marker = Path(sys.argv[1])

def slow() -> scheduling.JobResult:
    # The first run hangs (and is killed); the next one finishes at once.
    if not marker.exists():
        marker.write_text("started")
        time.sleep(300)
    return scheduling.JobResult(count=1)

scheduling.register(
    scheduling.Job("slow_test", "slow", slow, daily_at=clock(0, 0), lease_minutes=0.05)
)
call_command("worker", workers=1)
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: Any) -> Path:
    """A migrated SQLite database, made once; each test copies it."""
    data = tmp_path_factory.mktemp("migrated")
    subprocess.run(
        [str(REFUGE), "migrate", "-v0"], env=_env(data), check=True, timeout=600, cwd=ROOT
    )
    return data / "refuge.sqlite3"


@pytest.fixture
def data_dir(tmp_path: Path, migrated: Path) -> Path:
    shutil.copy(migrated, tmp_path / "refuge.sqlite3")
    return tmp_path


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("REFUGE_", "DATABASE_URL", "PYTEST", "DJANGO"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="refuge.config.settings.test",
        REFUGE_DATA_DIR=str(data),
        REFUGE_SECRET_KEY="worker-test-secret-key-0123456789",
        **extra,
    )
    return env


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # huey's graceful stop
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _runs(data: Path) -> list[tuple[str, str, str, int]]:
    with sqlite3.connect(data / "refuge.sqlite3", timeout=20) as connection:
        return connection.execute(
            "SELECT job, slot, status, attempts FROM ops_taskrun ORDER BY job, slot"
        ).fetchall()


def _wait_for(condition: Any, *, seconds: float = 600) -> None:  # an overloaded CI machine
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError("timed out waiting for the worker")


def _finished(data: Path, jobs: int) -> bool:
    """At least `jobs` jobs have a finished run."""
    return len({run[0] for run in _runs(data) if run[2] != "running"}) >= jobs


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        _stop(process)


def test_refuge_worker_runs_the_due_jobs_from_its_sqlite_queue(data_dir, processes):
    processes.append(_start([str(REFUGE), "worker"], _env(data_dir), data_dir / "worker.log"))

    _wait_for(lambda: _finished(data_dir, JOB_COUNT))

    runs = {job: (status, attempts) for job, _slot, status, attempts in _runs(data_dir)}
    assert runs["audit_chain"] == ("ok", 1)
    assert runs["backup"] == ("not_configured", 1)
    assert (data_dir / "huey.sqlite3").stat().st_mode & 0o777 == 0o600
    log = (data_dir / "worker.log").read_text()
    assert "Refuge worker: queue 'refuge' on SQLite" in log
    assert "Traceback" not in log


def test_a_worker_killed_mid_task_loses_nothing_the_restarted_worker_finishes_it(
    data_dir, processes
):
    marker = data_dir / "slow-started"
    command = [sys.executable, "-c", SLOW_WORKER, str(marker)]
    first = _start(command, _env(data_dir), data_dir / "worker.log")
    processes.append(first)
    _wait_for(marker.exists)
    os.killpg(first.pid, signal.SIGKILL)  # no chance to clean up: huey already dequeued it
    first.wait()
    assert ("slow_test", "running", 1) in [(j, s, a) for j, _slot, s, a in _runs(data_dir)]

    time.sleep(4)  # its lease (3 seconds) runs out
    processes.append(_start(command, _env(data_dir), data_dir / "worker.log"))

    _wait_for(lambda: ("slow_test", "ok", 2) in [(j, s, a) for j, _t, s, a in _runs(data_dir)])


AN_URGENT_REPORT = r"""
import django
django.setup()
from refuge.intake.models import ReporterKind, Urgency
from refuge.intake.services import submit_report
from refuge.oncall.tests.support import on_shift, with_alarm_email
from refuge.testing import make_operator
from refuge.vault import api as vault

operator = with_alarm_email(make_operator("dezhurny", intake=True))
on_shift(operator)
with vault.activated(vault.Keyring()):
    submit_report(body="Они у двери", reporter_kind=ReporterKind.SELF, urgency=Urgency.IN_DANGER)
"""


def _deliveries(data: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(data / "refuge.sqlite3", timeout=20) as connection:
        return connection.execute("SELECT status, attempts FROM oncall_delivery").fetchall()


def test_a_worker_killed_while_sending_an_alarm_loses_it_not_the_next_worker_sends_it_once(
    data_dir, processes
):
    with smtp_server() as (mailbox, port):
        mailbox.delay = 600  # the first worker hangs inside the SMTP conversation
        env = _env(
            data_dir,
            REFUGE_SMTP_HOST="127.0.0.1",
            REFUGE_SMTP_PORT=str(port),
            REFUGE_ALARM_SEND_TIMEOUT="600",
            REFUGE_OUTBOX_CLAIM_SECONDS="3",
        )
        subprocess.run(
            [sys.executable, "-c", AN_URGENT_REPORT], env=env, check=True, timeout=600, cwd=ROOT
        )
        first = _start([str(REFUGE), "worker"], env, data_dir / "worker.log")
        processes.append(first)
        _wait_for(lambda: mailbox.recipients_asked >= 1)
        os.killpg(first.pid, signal.SIGKILL)  # mid-send: no chance to mark anything
        first.wait()
        assert _deliveries(data_dir) == [("sending", 1)]
        assert mailbox.messages == []

        mailbox.delay = 0
        processes.append(_start([str(REFUGE), "worker"], env, data_dir / "worker.log"))
        _wait_for(lambda: _deliveries(data_dir) == [("sent", 2)])
        time.sleep(2)  # nothing more arrives
        assert len(mailbox.messages) == 1
        assert "Traceback" not in (data_dir / "worker.log").read_text()


def _redis_url() -> str | None:
    try:
        import redis

        url = "redis://127.0.0.1:6379/0"
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:  # noqa: BLE001 - no Redis here: the test says so and skips
        return None
    return url


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_two_workers_on_one_queue_run_each_slot_once(data_dir, processes, storage):
    extra = {}
    name = f"refuge-test-{uuid.uuid4().hex[:12]}"  # never another user's queue
    if storage == "redis":
        url = _redis_url()
        if url is None:
            pytest.skip("no Redis on 127.0.0.1:6379")
        extra = {"REFUGE_REDIS_URL": url, "REFUGE_HUEY_NAME": name}
    logs = [data_dir / f"worker{number}.log" for number in (1, 2)]
    try:
        for log in logs:
            processes.append(_start([str(REFUGE), "worker"], _env(data_dir, **extra), log))
        _wait_for(lambda: _finished(data_dir, JOB_COUNT))
        # On a loaded machine one worker may finish every job before the other has started:
        # wait for both, so that the late one's first tick is among those checked.
        started = "on Redis" if storage == "redis" else "on SQLite"
        _wait_for(lambda: all(started in log.read_text() for log in logs))
        time.sleep(3)  # both ticks have enqueued; give the duplicates time to be refused

        runs = _runs(data_dir)
        # Every job ran, and no slot twice: (job, slot) is unique, and a slot run twice would
        # show as a second attempt. A job due every few minutes may reach its next slot while
        # the test runs (a slow machine), which is a new slot, not a duplicate.
        assert {job for job, *_rest in runs} == {job.name for job in jobs()}
        assert {attempts for *_rest, attempts in runs} == {1}
        for log in logs:
            assert "Traceback" not in log.read_text()
    finally:
        for process in processes:
            _stop(process)
        if storage == "redis":
            from huey import RedisHuey

            RedisHuey(name, url=extra["REFUGE_REDIS_URL"]).storage.flush_all()


TWO_ESTIMATES = r"""
import django
django.setup()
from refuge.accounts.roles import Role
from refuge.analysis.estimation import CaptureTable, SamplerSettings
from refuge.analysis.jobs import CaptureCounts, request_estimate
from refuge.analysis.models import EstimateMethod
from refuge.testing import make_operator

analyst = make_operator("numbers", Role.ANALYST)
lists = ("testimony", "media_report", "organisation_report")
table = CaptureTable(lists, (40, 50, 12, 60, 15, 20, 8))
capture = CaptureCounts(table=table, violations=("beating",), victims=205, people=205, unnamed=0,
                        linkage_method="exact")
quick = SamplerSettings(max_classes=4, chains=2, burn_in=100, iterations=400, thin=2)
for method in (EstimateMethod.LCMCR, EstimateMethod.AUTO):
    request_estimate(analyst=analyst, capture=capture, method=method, settings=quick)
"""


def _estimates(data: Path) -> list[tuple[str, str | None, str | None]]:
    with sqlite3.connect(data / "refuge.sqlite3", timeout=20) as connection:
        return connection.execute(
            "SELECT status, started_at, finished_at FROM analysis_estimatejob ORDER BY id"
        ).fetchall()


def test_the_worker_runs_queued_estimates_one_after_the_other(data_dir, processes):
    env = _env(data_dir)
    subprocess.run(
        [sys.executable, "-c", TWO_ESTIMATES], env=env, check=True, timeout=600, cwd=ROOT
    )
    assert [status for status, _, _ in _estimates(data_dir)] == ["queued", "queued"]

    processes.append(_start([str(REFUGE), "worker"], env, data_dir / "worker.log"))

    _wait_for(lambda: [status for status, _, _ in _estimates(data_dir)] == ["done", "done"])
    (_, _, first_finished), (_, second_started, _) = _estimates(data_dir)
    assert first_finished is not None
    assert second_started is not None
    assert first_finished <= second_started  # one estimate at a time
    assert "Traceback" not in (data_dir / "worker.log").read_text()
