"""Helpers for the seized-disk test: list every file the app wrote, scan them for canaries.

Reusable by every app: add your flow to tests/seized_disk_flows.py (WRITERS and READERS) and
your canaries to CANARIES there; tests/test_seized_disk.py runs them all.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")
REPOSITORY = Path(__file__).resolve().parents[1]
CHUNK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Hit:
    path: Path
    canary: str
    encoding: str
    offset: int

    def __str__(self) -> str:
        return f"{self.path} @{self.offset}: {self.canary!r} as {self.encoding}"


def canary_bytes(canaries: Iterable[str]) -> list[tuple[str, str, bytes]]:
    """Each canary in each encoding (UTF-16 without a byte-order mark, as stored in a page).

    Also as hex (how pg_dump writes a bytea column, so plaintext put in a binary column is
    caught there too) and JSON-escaped (how a JSONField stores non-ASCII text: \\u0417...).
    """
    patterns = []
    for canary in dict.fromkeys(canaries):
        for encoding in ENCODINGS:
            encoded = canary.encode(encoding)
            patterns.append((canary, encoding, encoded))
            patterns.append((canary, f"{encoding} as hex", encoded.hex().encode()))
        escaped = json.dumps(canary)[1:-1].encode()
        if escaped != canary.encode():
            patterns.append((canary, "json-escaped", escaped))
            patterns.append((canary, "json-escaped", escaped.lower()))
    return patterns


def scan_for_canaries(paths: Iterable[Path], canaries: Iterable[str]) -> list[Hit]:
    """Every place one of the canaries occurs in one of the files, in any of the encodings."""
    patterns = canary_bytes(canaries)
    overlap = max((len(pattern) for _, _, pattern in patterns), default=1) - 1
    hits: list[Hit] = []
    for path in paths:
        hits.extend(_scan_file(Path(path), patterns, overlap))
    return hits


def _scan_file(path: Path, patterns: list[tuple[str, str, bytes]], overlap: int) -> list[Hit]:
    hits: dict[tuple[str, str, int], Hit] = {}
    with path.open("rb") as handle:
        start, tail = 0, b""
        while chunk := handle.read(CHUNK_BYTES):
            window = tail + chunk
            base = start - len(tail)
            for canary, encoding, pattern in patterns:
                found = window.find(pattern)
                while found != -1:
                    hits.setdefault(
                        (canary, encoding, base + found), Hit(path, canary, encoding, base + found)
                    )
                    found = window.find(pattern, found + 1)
            tail = window[-overlap:] if overlap else b""
            start += len(chunk)
    return list(hits.values())


def files_under(*roots: Path) -> list[Path]:
    """Every regular file below these folders (the data dir, the temp dir, the logs)."""
    found: list[Path] = []
    for root in roots:
        for folder, _, names in os.walk(root):
            found.extend(Path(folder) / name for name in names if (Path(folder) / name).is_file())
    return sorted(found)


def sqlite_files(data_dir: Path) -> list[Path]:
    """The database with its -wal, -shm and -journal, those that exist."""
    database = data_dir / "refuge.sqlite3"
    candidates = [database] + [
        Path(f"{database}{suffix}") for suffix in ("-wal", "-shm", "-journal")
    ]
    return [path for path in candidates if path.exists()]


@dataclass
class Installation:
    """A fresh REFUGE_DATA_DIR (and temp and log folders) that the flows run against."""

    root: Path
    database_url: str = ""

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def temp_dir(self) -> Path:
        return self.root / "tmp"

    @property
    def log_dir(self) -> Path:
        return self.root / "logs"

    def environment(self) -> dict[str, str]:
        for folder in (self.data_dir, self.temp_dir, self.log_dir):
            folder.mkdir(parents=True, exist_ok=True)
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "REFUGE_SECRET_KEY"}
        }
        env.update(
            {
                "REFUGE_DATA_DIR": str(self.data_dir),
                "TMPDIR": str(self.temp_dir),
                "TEMP": str(self.temp_dir),
                "TMP": str(self.temp_dir),
                "DJANGO_SETTINGS_MODULE": "refuge.config.settings.prod",
                "REFUGE_LOG_LEVEL": "DEBUG",
                "PYTHONPATH": os.pathsep.join([str(REPOSITORY / "src"), str(REPOSITORY)]),
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run_phase(self, phase: str) -> subprocess.CompletedProcess[bytes]:
        """Run one phase of tests/seized_disk_flows.py; the write phase logs to log_dir."""
        command = [sys.executable, "-m", "tests.seized_disk_flows", phase]
        environment = self.environment()
        if phase == "write":
            with (
                (self.log_dir / "write.out").open("wb") as out,
                (self.log_dir / "write.err").open("wb") as err,
            ):
                return subprocess.run(
                    command,
                    cwd=REPOSITORY,
                    env=environment,
                    stdout=out,
                    stderr=err,
                    timeout=1200,
                    check=False,
                )
        return subprocess.run(
            command, cwd=REPOSITORY, env=environment, capture_output=True, timeout=1200, check=False
        )

    def log_text(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.log_dir.glob("*"))
        )

    def pg_dump(self) -> Path:
        pg_dump = shutil.which("pg_dump") or "/usr/bin/pg_dump"
        target = self.root / "dump" / "database.sql"
        target.parent.mkdir(exist_ok=True)
        subprocess.run(
            [pg_dump, "--no-owner", "--file", str(target), self.database_url],
            check=True,
            timeout=600,
        )
        return target
