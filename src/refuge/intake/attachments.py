"""Files sent with a report: checked by content, cleaned of metadata, stored only encrypted.

Uploads stay in memory (settings' MemoryFileUploadHandler), so no plaintext temp file exists.
The type is read from the bytes (`filetype`), never from the name or the browser's claim.
What cleaning takes out of photos, PDF documents and recordings: see `scrub`.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from refuge.accounts.models import Operator
from refuge.audit.models import AuditAction
from refuge.audit.services import record_event
from refuge.intake import scrub
from refuge.intake.errors import AttachmentRejected
from refuge.intake.models import Attachment, Message
from refuge.vault import api as vault

MAX_FILES = 5
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}
AUDIO_TYPES = {"audio/ogg", "audio/mpeg", "audio/mp4", "audio/amr"}
# The extension a stored file is given when an operator downloads it (its type was read from
# its content at intake; the sender's own file name is never kept).
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "audio/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/amr": ".amr",
}


@dataclass(frozen=True, slots=True)
class CleanFile:
    content_type: str
    data: bytes = field(repr=False)


def _size_text(size_bytes: int) -> str:
    return f"{size_bytes / 1_048_576:.1f}"


def clean_uploads(uploads: Sequence[UploadedFile]) -> list[CleanFile]:
    """Check every file and clean photos; raise AttachmentRejected naming what is wrong."""
    uploads = [upload for upload in uploads if upload.size]
    if len(uploads) > MAX_FILES:
        raise AttachmentRejected(_("Send at most %(count)d files at once.") % {"count": MAX_FILES})
    total = sum(upload.size or 0 for upload in uploads)
    limit = settings.INTAKE_MAX_ATTACHMENT_BYTES
    if total > limit:
        raise AttachmentRejected(
            _("The files are too large together: %(size)s MB, at most %(limit)s MB.")
            % {"size": _size_text(total), "limit": _size_text(limit)}
        )
    return [clean_file(upload.read()) for upload in uploads]


def clean_file(data: bytes) -> CleanFile:
    """The file's type from its bytes, and the file without its hidden details.

    What would be stored is opened again before it is accepted: a file that the cleaning
    could not write back out (a photo wider than JPEG allows, an encoder error) is refused
    with a message here, never stored as something no one can open.
    """
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else ""
    try:
        clean = _cleaned(mime, data)
    except (OSError, ValueError, SyntaxError, MemoryError) as error:  # re-encoding failed
        raise AttachmentRejected(_unpreparable_message()) from error
    if not _opens(clean):
        raise AttachmentRejected(_unpreparable_message())
    return clean


def _cleaned(mime: str, data: bytes) -> CleanFile:
    if mime in IMAGE_TYPES:
        content_type, clean = scrub.clean_image(data)
        return CleanFile(content_type=content_type, data=clean)
    if mime == "application/pdf":
        return CleanFile(content_type=mime, data=scrub.clean_pdf(data))
    if mime in AUDIO_TYPES:
        return CleanFile(content_type=mime, data=scrub.clean_audio(data, mime))
    raise AttachmentRejected(
        _(
            "One file is of a kind we do not accept (whatever its name says). Accepted: photos "
            "(JPEG, PNG, WebP), PDF documents and voice recordings (OGG, MP3, M4A, AMR)."
        )
    )


def _unpreparable_message() -> str:
    return _(
        "One file could not be prepared for safe storage, so nothing was sent. Try "
        "another file, or send it without this one."
    )


def _opens(clean: CleanFile) -> bool:
    """Whether the cleaned bytes are a whole file of the type they will be stored as."""
    if clean.content_type in IMAGE_TYPES:
        try:
            with Image.open(io.BytesIO(clean.data)) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return False
        return True
    kind = filetype.guess(clean.data)
    return kind is not None and kind.mime == clean.content_type


AREA = "intake"  # MEDIA_ROOT/intake/, in the vault's file store


def _label(stored_name: str) -> str:
    return f"intake.attachment:{stored_name}"


def store_attachments(*, message: Message, files: Iterable[CleanFile]) -> list[Attachment]:
    """Encrypt each file with the thread's envelope and write it under MEDIA_ROOT/intake/.

    Call inside the message's transaction. If anything fails, the files written so far are
    removed before the error propagates; a failure of the commit itself can leave a file that
    no grant can open (its envelope never committed).
    """
    written: list[str] = []
    stored: list[Attachment] = []
    try:
        for clean in files:
            stored_name = secrets.token_hex(16)
            written.append(stored_name)
            vault.store_bytes(
                AREA,
                stored_name,
                envelope_id=message.envelope_id,
                content=clean.data,
                label=_label(stored_name),
            )
            stored.append(
                Attachment.objects.create(
                    message=message,
                    envelope_id=message.envelope_id,
                    content_type=clean.content_type,
                    size_bytes=len(clean.data),
                    stored_name=stored_name,
                )
            )
    except BaseException:
        for stored_name in written:
            vault.remove_bytes(AREA, stored_name)
        raise
    return stored


def is_image(attachment: Attachment) -> bool:
    """Shown inline: images were decoded and re-encoded from their pixels at intake."""
    return attachment.content_type in {"image/jpeg", "image/png"}


def download_name(attachment: Attachment, *, prefix: str) -> str:
    """A safe name that says nothing about the sender: `<prefix>-file-<id>.<type's extension>`."""
    extension = EXTENSIONS.get(attachment.content_type, ".bin")
    return f"{prefix}-file-{attachment.pk}{extension}"


def attachment_bytes(attachment: Attachment) -> bytes:
    """The decrypted file, for a reader whose keyring opens the thread (the read is audited)."""
    data = vault.read_bytes(
        AREA,
        attachment.stored_name,
        envelope_id=attachment.envelope_id,
        label=_label(attachment.stored_name),
    )
    operator_id = vault.current_operator_id()
    reader = Operator.objects.filter(pk=operator_id).first() if operator_id else None
    record_event(
        AuditAction.RECORD_READ,
        actor=reader,
        target=attachment,
        details={"thread": attachment.message.thread_id},
    )
    return data
