"""Take out of a sent file what names or places its sender, beyond what it shows or says.

Photos: decoded and re-encoded from their pixels alone with Pillow, which drops EXIF (GPS,
camera, time), XMP, ICC and comments. PDF documents: rebuilt as pixels (the Dangerzone
approach): a confined child process (`pdf_render`: memory, CPU time, pages, pixels and output
bounded) renders each page with PDFium and assembles a new PDF holding only those images, so no
script, link, form, embedded file, metadata or hidden text of the original survives; a PDF
bomb dies in the child and is refused with a reason. Voice recordings: mutagen deletes the tags
it knows (ID3, APEv2, Vorbis comments, iTunes atoms), then `audio_frames` keeps only what a
player needs (audio frames, Ogg pages, the M4A atoms that describe the audio). What stays:
what the pages show and the voice says.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from struct import error as struct_error

import mutagen
import mutagen.apev2
import mutagen.id3
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from mutagen import MutagenError
from PIL import Image, ImageOps, UnidentifiedImageError

from refuge.intake import audio_frames, pdf_render
from refuge.intake.errors import AttachmentRejected

MAX_PIXELS = 50_000_000  # about 8000 x 6000: any phone photo, not a decompression bomb
# Rebuilds each format from the parts its decoder needs (audio_frames).
FRAME_KEEPERS = {
    "audio/mpeg": audio_frames.mp3_frames,
    "audio/ogg": audio_frames.ogg_pages,
    "audio/mp4": audio_frames.mp4_atoms,
    "audio/amr": audio_frames.amr_frames,
}
TAGGED_AUDIO = {"audio/ogg", "audio/mpeg", "audio/mp4"}


def clean_image(data: bytes) -> tuple[str, bytes]:
    """Keep the pixels, turned upright; drop every other byte of the original file."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise AttachmentRejected(_("One photo has too many pixels to accept."))
            image.load()
            upright = ImageOps.exif_transpose(image)
            has_alpha = upright.mode in {"RGBA", "LA", "PA"} or "transparency" in upright.info
            mode = "RGBA" if has_alpha else "RGB"
            pixels = upright.convert(mode)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise AttachmentRejected(_("One photo could not be read. Try another file.")) from error
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # a new image: no metadata
    output = io.BytesIO()
    if has_alpha:
        clean.save(output, format="PNG")
        return "image/png", output.getvalue()
    clean.save(output, format="JPEG", quality=88)
    return "image/jpeg", output.getvalue()


def clean_pdf(data: bytes) -> bytes:
    """A new document made of the pixels of the original's pages, rendered in a confined child.

    Raises AttachmentRejected with the reason: a password, too many pages, a document that is
    unreadable, or one that needs more memory or time than a page of testimony does (a bomb).
    """
    limits = pdf_render.Limits(
        max_pages=settings.INTAKE_PDF_MAX_PAGES,
        max_page_pixels=settings.INTAKE_PDF_MAX_PAGE_PIXELS,
        max_output_bytes=settings.INTAKE_PDF_MAX_OUTPUT_BYTES,
        memory_mb=settings.INTAKE_PDF_RENDER_MEMORY_MB,
        cpu_seconds=settings.INTAKE_PDF_RENDER_SECONDS,
    )
    command = [sys.executable, "-I", "-m", "refuge.intake.pdf_render", *limits.as_arguments()]
    try:
        # The child's stderr may quote the document (a parser's complaint): it is discarded.
        finished = subprocess.run(  # noqa: S603 - our own module, arguments are numbers
            command,
            input=data,
            capture_output=True,
            check=False,
            env=_child_environment(),
            timeout=2 * settings.INTAKE_PDF_RENDER_SECONDS + 5,  # CPU time, and a busy machine
        )
    except subprocess.TimeoutExpired as error:
        raise AttachmentRejected(_pdf_too_demanding()) from error
    if finished.returncode == 0 and finished.stdout.startswith(b"%PDF-"):
        return finished.stdout
    raise AttachmentRejected(_pdf_refusal(finished.returncode, limits))


def _child_environment() -> dict[str, str]:
    """Nothing of the server's environment (secrets, database URL) reaches the child."""
    return {"PATH": os.defpath, "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1"}


def _pdf_too_demanding() -> str:
    return _(
        "One PDF is too complex to open safely (it needs too much memory or time). "
        "Send photos of its pages instead."
    )


def _pdf_refusal(returncode: int, limits: pdf_render.Limits) -> str:
    if returncode == pdf_render.EXIT_PASSWORD:
        return _("One PDF is protected by a password. Send it without the password.")
    if returncode == pdf_render.EXIT_TOO_MANY_PAGES:
        return ngettext(
            "One PDF has more than %(count)d page. Send only the pages that matter.",
            "One PDF has more than %(count)d pages. Send only the pages that matter.",
            limits.max_pages,
        ) % {"count": limits.max_pages}
    if returncode in (pdf_render.EXIT_UNREADABLE, 1):  # 1: PDFium raised on a broken page
        return _("One PDF could not be read. Try another file.")
    # Killed by its CPU limit or a signal, out of memory, or a result too large: a bomb, or
    # a document far larger than testimony needs.
    return _pdf_too_demanding()


def clean_audio(data: bytes, mime: str) -> bytes:
    """The recording without its tags (title, artist, device, place, dates, cover pictures)."""
    try:
        untagged = _delete_known_tags(data, mime) if mime in TAGGED_AUDIO else data
        return FRAME_KEEPERS[mime](untagged)
    except (
        MutagenError,
        audio_frames.UnreadableAudio,
        ValueError,
        KeyError,
        IndexError,
        struct_error,
    ) as error:
        raise AttachmentRejected(_("One recording could not be read. Try another file.")) from error


def _delete_known_tags(data: bytes, mime: str) -> bytes:
    buffer = io.BytesIO(data)
    recording = mutagen.File(buffer)
    if recording is None:
        raise audio_frames.UnreadableAudio("not a recording mutagen knows")
    buffer.seek(0)
    recording.delete(buffer)
    if mime == "audio/mpeg":  # an MP3 may carry several tag kinds at once
        buffer.seek(0)
        mutagen.apev2.delete(buffer)
        buffer.seek(0)
        mutagen.id3.delete(buffer, delete_v1=True, delete_v2=True)
    return buffer.getvalue()
