"""Ciphertext files under MEDIA_ROOT/evidence/. Plaintext never touches the disk."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def evidence_dir() -> Path:
    directory = Path(settings.MEDIA_ROOT) / "evidence"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory


def write_ciphertext(stored_name: str, ciphertext: bytes) -> Path:
    path = evidence_dir() / stored_name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(ciphertext)
        handle.flush()
        os.fsync(handle.fileno())
    return path


def read_ciphertext(stored_name: str) -> bytes:
    return (evidence_dir() / stored_name).read_bytes()


def remove(stored_name: str) -> None:
    (evidence_dir() / stored_name).unlink(missing_ok=True)
