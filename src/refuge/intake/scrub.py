"""Take out of a sent file what names or places its sender, beyond what it shows or says.

Photos: decoded and re-encoded from their pixels alone with Pillow, which drops EXIF (GPS,
camera, time), XMP, ICC and comments. PDF documents: pages copied into a new document with
pypdf; the document information (author, title, creator program, dates), the XMP packet,
embedded files, scripts and form actions stay behind, and comment authors are erased. Voice
recordings: their tags (ID3 in MP3, Vorbis comments in OGG, iTunes atoms in M4A) are deleted
with mutagen; AMR has no place for tags. What stays: what the pages show and the voice says,
and photos embedded inside a PDF keep their own EXIF (the form says so).
"""

from __future__ import annotations

import io

import mutagen
from django.utils.translation import gettext as _
from mutagen import MutagenError
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from refuge.intake.errors import AttachmentRejected

MAX_PIXELS = 50_000_000  # about 8000 x 6000: any phone photo, not a decompression bomb
MAX_PDF_PAGES = 500
TAGGED_AUDIO = {"audio/ogg", "audio/mpeg", "audio/mp4"}
# Page entries that hold metadata or private application data, not what the page shows.
PAGE_METADATA = ("/Metadata", "/PieceInfo", "/LastModified")
# Annotation entries naming who wrote a comment and when.
ANNOTATION_METADATA = ("/T", "/M", "/CreationDate", "/Popup")


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
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as error:
        raise AttachmentRejected(_("One photo could not be read. Try another file.")) from error
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())  # a new image: no metadata
    output = io.BytesIO()
    if has_alpha:
        clean.save(output, format="PNG")
        return "image/png", output.getvalue()
    clean.save(output, format="JPEG", quality=88)
    return "image/jpeg", output.getvalue()


def clean_pdf(data: bytes) -> bytes:
    """The pages in a new document without the original's metadata, attachments or scripts."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise AttachmentRejected(_(
                "One PDF is protected by a password. Send it without the password."))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise AttachmentRejected(_("One PDF has too many pages to accept."))
        writer = PdfWriter()
        for page in reader.pages:
            _strip_page(writer.add_page(page))
        writer.metadata = None  # not even "pypdf" as the producer
        output = io.BytesIO()
        writer.write(output)
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError) as error:
        raise AttachmentRejected(_("One PDF could not be read. Try another file.")) from error
    return output.getvalue()


def _strip_page(page: DictionaryObject) -> None:
    for key in PAGE_METADATA:
        page.pop(NameObject(key), None)
    annotations = page.get("/Annots")
    annotations = annotations.get_object() if annotations is not None else None
    if not isinstance(annotations, ArrayObject):
        return
    for reference in annotations:
        annotation = reference.get_object()
        if isinstance(annotation, DictionaryObject):
            for key in ANNOTATION_METADATA:
                annotation.pop(NameObject(key), None)


def clean_audio(data: bytes, mime: str) -> bytes:
    """The recording without its tags (title, artist, device, dates, cover pictures)."""
    if mime not in TAGGED_AUDIO:
        return data  # AMR: a bare stream of voice frames, nowhere to put a tag
    buffer = io.BytesIO(data)
    try:
        recording = mutagen.File(buffer)
        if recording is None:
            raise AttachmentRejected(_("One recording could not be read. Try another file."))
        buffer.seek(0)
        recording.delete(buffer)
    except (MutagenError, ValueError, KeyError, IndexError) as error:
        raise AttachmentRejected(
            _("One recording could not be read. Try another file.")) from error
    return buffer.getvalue()
