"""Reports answered with a receipt survive a SIGKILL of the real server.

`refuge serve` (gunicorn, several workers) runs on loopback against a fresh installation, on
SQLite and (when the suite runs there) PostgreSQL. Reporters submit through the public form
as a browser would; every report answered with a receipt page is remembered. In the middle
of the load the whole server process group is killed with SIGKILL, three times. After a
final restart every remembered receipt opens its mailbox and shows its report (readable,
not half-written), and the audit chain verifies.

Needs the intake (intake:report, intake:mailbox_open); skipped with that reason before it
is merged.
"""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from bench.load import (
    MailboxReader,
    Reporter,
    Tally,
    UnexpectedAnswer,
    _environment,
    prepare,
    start_server,
    stop_server,
)

from .fresh_database import fresh_database_url


def _intake_installed() -> bool:
    try:
        reverse("intake:report")
        reverse("intake:mailbox_open")
    except NoReverseMatch:
        return False
    return True


def _load_then_kill(environment: dict[str, str], seconds: float) -> dict[str, str]:
    """Submit reports from 6 threads; SIGKILL the server after `seconds`; return
    receipt -> report text for every submission that was answered with a receipt."""
    server, port = start_server(environment)
    answered: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def reporter() -> None:
        client = Reporter(port, Tally())
        while not stop.is_set():
            body = f"Отчёт {uuid.uuid4()}: задержан сосед, нужна помощь."
            try:
                receipt = client.submit(body)
            except (OSError, UnexpectedAnswer, http.client.HTTPException):
                return  # the server died under us: this report got no receipt
            if receipt:
                with lock:
                    answered[receipt] = body

    threads = [threading.Thread(target=reporter) for _ in range(6)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(seconds)
    finally:
        stop_server(server, signal.SIGKILL)  # mid-load: requests are in flight
        stop.set()
    for thread in threads:
        thread.join(timeout=600)
    return answered


@pytest.mark.slow
@pytest.mark.skipif(not _intake_installed(), reason="the intake is not installed in this tree")
@pytest.mark.database  # its child processes use the suite's database
def test_every_answered_report_survives_sigkill_of_the_server(tmp_path: Path) -> None:
    environment = _environment(tmp_path / "data")
    database_url, drop = fresh_database_url()
    environment["DATABASE_URL"] = database_url
    answered: dict[str, str] = {}
    try:
        prepare(environment, 1)
        for seconds in (6.0, 9.0, 4.0):
            answered.update(_load_then_kill(environment, seconds))
        server, port = start_server(environment)
        try:
            reader = MailboxReader(port, Tally())
            unreadable = [
                receipt for receipt, body in answered.items() if body not in reader.read(receipt)
            ]
        finally:
            stop_server(server)
        verify = subprocess.run(
            [sys.executable, "-m", "refuge.cli", "audit", "verify"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    finally:
        drop()
    assert len(answered) >= 3, "too few reports got through to test anything"
    assert not unreadable, f"{len(unreadable)} of {len(answered)} answered reports are lost"
    assert verify.returncode == 0, verify.stderr[-2000:]
