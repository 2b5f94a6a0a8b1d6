"""Encrypted files: the content is sealed with the envelope's data key before it touches disk.

Only ciphertext is ever written, to REFUGE_DATA_DIR/files/sealed/<id>.bin, through a
temporary name in the same directory (so a crash leaves ciphertext or nothing).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from refuge.vault import envelopes
from refuge.vault.errors import UnreadableRecord
from refuge.vault.models import SealedFile

CONTENT_LABEL = "vault.SealedFile.content"


def _blob_path(file_id: uuid.UUID) -> Path:
    return Path(settings.MEDIA_ROOT) / "sealed" / f"{file_id}.bin"


def _content_label(file_id: uuid.UUID) -> str:
    return f"{CONTENT_LABEL}:{file_id}"


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(f".{uuid.uuid4().hex}.part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@transaction.atomic
def store_file(*, envelope_id: uuid.UUID, name: str, content: bytes,
               content_type: str = "") -> SealedFile:
    """Encrypt `content` under the envelope (the current keyring must hold its key)."""
    sealed = SealedFile(envelope_id=envelope_id, content_type=content_type[:100],
                        size_bytes=len(content))
    sealed.name = name
    ciphertext = envelopes.encrypt_bytes(envelope_id, content, label=_content_label(sealed.pk))
    sealed.save()
    _write_private(_blob_path(sealed.pk), ciphertext)
    return sealed


def read_file(sealed: SealedFile) -> bytes:
    """The decrypted content; raises AccessDenied, VaultLocked or UnreadableRecord."""
    try:
        ciphertext = _blob_path(sealed.pk).read_bytes()
    except FileNotFoundError as error:
        raise UnreadableRecord(sealed.envelope_id) from error
    return envelopes.decrypt_bytes(sealed.envelope_id, ciphertext,
                                   label=_content_label(sealed.pk))


@transaction.atomic
def delete_file(sealed: SealedFile) -> None:
    """Remove the row and the blob (the envelope's shredding is what makes copies useless)."""
    path = _blob_path(sealed.pk)
    sealed.delete()
    transaction.on_commit(lambda: _unlink(path))


def _unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
