"""Threat 2, point 7: a disk (and backup) seized at rest shows no name, number or sentence.

The flows run in a separate process against a fresh REFUGE_DATA_DIR with production settings
and an on-disk database (SQLite, or a fresh PostgreSQL database when DATABASE_URL is set, in
which case a pg_dump is scanned). Then every file written is scanned for each canary as
UTF-8 and UTF-16 (LE and BE), hex and JSON-escaped. Finally the canaries are read back through
the vault, so that the test would fail if the flows stored nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import seized_disk_flows as flows
from tests.seized_disk import Installation, files_under, scan_for_canaries, sqlite_files

pytestmark = pytest.mark.slow
ALL_CANARIES = [*flows.CANARIES, *flows.DERIVED_CANARIES]


@pytest.fixture
def installation(tmp_path: Path) -> Iterator[Installation]:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        yield Installation(tmp_path)
        return
    if not (shutil.which("pg_dump") or Path("/usr/bin/pg_dump").exists()):
        pytest.skip("DATABASE_URL is set but pg_dump is not installed: cannot scan a dump")
    import psycopg

    name = f"refuge_seized_{uuid.uuid4().hex[:12]}"
    base, _, _ = database_url.partition("?")[0].rpartition("/")
    maintenance_url = f"{base}/postgres"  # the URL's own database need not exist
    with psycopg.connect(maintenance_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Installation(tmp_path, database_url=f"{base}/{name}")
    finally:
        with psycopg.connect(maintenance_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scanned_files(installation: Installation) -> list[Path]:
    files = files_under(installation.data_dir, installation.temp_dir, installation.log_dir)
    if installation.database_url:
        files.append(installation.pg_dump())
    return files


def test_scanner_finds_canaries_in_every_encoding(tmp_path: Path) -> None:
    for index, encoding in enumerate(("utf-8", "utf-16-le", "utf-16-be")):
        (tmp_path / f"{index}.bin").write_bytes(b"\x00junk" + "Канарейкин".encode(encoding))
    (tmp_path / "hex.sql").write_bytes(b"\\x" + "Канарейкин".encode().hex().encode())
    (tmp_path / "json.txt").write_text(json.dumps({"n": "Канарейкин"}))
    (tmp_path / "clean.bin").write_bytes(b"nothing here")

    hits = scan_for_canaries(files_under(tmp_path), ["Канарейкин"])

    assert sorted(hit.path.name for hit in hits) == [
        "0.bin",
        "1.bin",
        "2.bin",
        "hex.sql",
        "json.txt",
    ]


@pytest.mark.database  # its child processes use the suite's database
def test_a_seized_disk_reveals_no_canary(installation: Installation) -> None:
    written = installation.run_phase("write")
    assert written.returncode == 0, installation.log_text()[-3000:]
    if not installation.database_url:
        database_files = sqlite_files(installation.data_dir)
        assert any(path.name.endswith("-wal") for path in database_files), database_files

    hits = scan_for_canaries(scanned_files(installation), ALL_CANARIES)
    assert hits == [], "\n".join(str(hit) for hit in hits[:20])

    read = installation.run_phase("read")
    assert read.returncode == 0, read.stderr.decode(errors="replace")[-3000:]
    values = json.loads(read.stdout)["values"]
    for canary in flows.CANARIES:
        assert canary in values, f"{canary!r} did not come back through the vault"

    # After a clean stop (the read phase closed the database) the files are still clean.
    hits = scan_for_canaries(scanned_files(installation), ALL_CANARIES)
    assert hits == [], "\n".join(str(hit) for hit in hits[:20])
