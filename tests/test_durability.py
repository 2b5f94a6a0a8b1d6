"""Foundation point 3: SQLite as configured by our settings loses no committed row on SIGKILL.

A child process, configured by refuge.config.settings (WAL, synchronous=FULL, IMMEDIATE
transactions), commits rows one transaction at a time and prints each id after its commit
returned. We SIGKILL it mid-stream, several times, then open the file afresh: every id the
child reported must be there, and the database must pass SQLite's integrity check.

This runs against SQLite whatever DATABASE_URL the suite uses (the child gets its own data dir).
SIGKILL proves process-crash consistency; synchronous=FULL is what extends it to power loss
(each commit fsyncs the WAL), which a test cannot simulate without pulling the plug.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
WRITER = r"""
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA synchronous")
    synchronous = cursor.fetchone()[0]
    cursor.execute("CREATE TABLE IF NOT EXISTS durability_probe "
                   "(id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM durability_probe")
    next_id = cursor.fetchone()[0] + 1
print(f"ready {journal} {synchronous}", flush=True)
while True:
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO durability_probe (id, payload) VALUES (%s, %s)",
                           [next_id, f"row {next_id} " * 20])
    print(next_id, flush=True)
    next_id += 1
"""


def _start_writer(data_dir: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "REFUGE_DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "DJANGO_SETTINGS_MODULE": "refuge.config.settings.test",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", WRITER],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run_and_kill(data_dir: Path, rows_before_kill: int) -> list[int]:
    """Let the writer report `rows_before_kill` commits, then SIGKILL it mid-stream."""
    writer = _start_writer(data_dir)
    assert writer.stdout is not None
    header = writer.stdout.readline().split()
    assert header == ["ready", "wal", "2"], writer.stderr.read() if writer.stderr else header
    reported: list[int] = []
    deadline = time.monotonic() + 60
    while len(reported) < rows_before_kill and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        reported.append(int(line))
    os.kill(writer.pid, signal.SIGKILL)
    # Whatever the child printed before dying was also committed: collect it too.
    remaining, _ = writer.communicate(timeout=300)
    reported.extend(int(line) for line in remaining.split() if line.isdigit())
    assert writer.returncode == -signal.SIGKILL
    return reported


@pytest.mark.slow
def test_every_reported_commit_survives_sigkill(tmp_path: Path) -> None:
    reported: list[int] = []
    for rows in (40, 120, 75):  # several crashes, each at a different point of the stream
        reported += _run_and_kill(tmp_path, rows)

    database = sqlite3.connect(tmp_path / "refuge.sqlite3")
    try:
        stored = {row[0] for row in database.execute("SELECT id FROM durability_probe")}
        integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
        half_written = database.execute(
            "SELECT COUNT(*) FROM durability_probe WHERE payload NOT LIKE 'row ' || id || ' %'"
        ).fetchone()[0]
    finally:
        database.close()
    assert len(reported) >= 235
    assert set(reported) <= stored, f"lost commits: {sorted(set(reported) - stored)[:10]}"
    assert integrity == "ok"
    assert half_written == 0
