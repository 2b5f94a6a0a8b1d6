"""The one encrypted file store: content is sealed with its envelope's data key before it
touches disk, and only ciphertext is ever written.

Files live under MEDIA_ROOT, one directory per area (`sealed` for SealedFile rows, `intake` for
reporters' attachments, `evidence` for documentation evidence), in directories only the
service user can enter. Each is written through a temporary name in the same directory,
flushed and fsynced, then renamed over its final name (and the directory fsynced), so a crash
leaves the whole ciphertext or nothing. Callers keep the name and the label; the label binds
the ciphertext to its record, so a file moved to another record's name does not open.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from refuge.core.durable import write_atomically
from refuge.vault import envelopes
from refuge.vault.errors import UnreadableRecord
from refuge.vault.models import SealedFile

CONTENT_LABEL = "vault.SealedFile.content"
SEALED_AREA = "sealed"


def _path(area: str, name: str) -> Path:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError("A stored file's name is one plain path segment.")
    return Path(settings.MEDIA_ROOT) / area / name


def _content_label(file_id: uuid.UUID) -> str:
    return f"{CONTENT_LABEL}:{file_id}"


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(path, data)


def store_bytes(
    area: str, name: str, *, envelope_id: uuid.UUID, content: bytes, label: str
) -> None:
    """Encrypt `content` under the envelope (bound to `label`) and write it as area/name."""
    ciphertext = envelopes.encrypt_bytes(envelope_id, content, label=label)
    _write_private(_path(area, name), ciphertext)


def read_bytes(area: str, name: str, *, envelope_id: uuid.UUID, label: str) -> bytes:
    """The decrypted content of area/name; raises AccessDenied, VaultLocked, or
    UnreadableRecord (also when the file is missing)."""
    try:
        ciphertext = _path(area, name).read_bytes()
    except FileNotFoundError as error:
        raise UnreadableRecord(envelope_id) from error
    return envelopes.decrypt_bytes(envelope_id, ciphertext, label=label)


def remove_bytes(area: str, name: str) -> None:
    """Remove area/name if it is there (shredding the envelope is what makes copies useless)."""
    with contextlib.suppress(FileNotFoundError):
        _path(area, name).unlink()


@transaction.atomic
def store_file(
    *, envelope_id: uuid.UUID, name: str, content: bytes, content_type: str = ""
) -> SealedFile:
    """Encrypt `content` under the envelope (the current keyring must hold its key)."""
    sealed = SealedFile(
        envelope_id=envelope_id, content_type=content_type[:100], size_bytes=len(content)
    )
    sealed.name = name
    sealed.save()
    store_bytes(
        SEALED_AREA,
        f"{sealed.pk}.bin",
        envelope_id=envelope_id,
        content=content,
        label=_content_label(sealed.pk),
    )
    return sealed


def read_file(sealed: SealedFile) -> bytes:
    """The decrypted content; raises AccessDenied, VaultLocked or UnreadableRecord."""
    return read_bytes(
        SEALED_AREA,
        f"{sealed.pk}.bin",
        envelope_id=sealed.envelope_id,
        label=_content_label(sealed.pk),
    )


@transaction.atomic
def delete_file(sealed: SealedFile) -> None:
    """Remove the row and the blob (the envelope's shredding is what makes copies useless)."""
    name = f"{sealed.pk}.bin"
    sealed.delete()
    transaction.on_commit(lambda: remove_bytes(SEALED_AREA, name))
