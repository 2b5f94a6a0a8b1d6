"""Files cannot attack or expose: a canary in each carrier, looked for in the stored copy.

Each test sends a file through the public form, as a reporter would, then decrypts the copy the
server stored (as the operator who reads it) and looks for the canary in its bytes, in every
decompressed stream and in its text. The rebuilt PDF is checked structurally too: it holds
pages, page images and their drawing instructions, nothing else.
"""

from __future__ import annotations

import contextlib
import io
import re
import struct
import zlib

import mutagen
import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, StreamObject

from refuge.intake.attachments import attachment_bytes
from refuge.intake.models import Attachment
from refuge.intake.tests.carriers import AUDIO_CARRIERS, PDF_CARRIERS, plain_statement
from refuge.intake.tests.support import submit_report
from refuge.testing import keyring_for
from refuge.vault import api as vault

pytestmark = pytest.mark.django_db

# The only dictionary keys a rebuilt PDF may hold: no /Names, /OpenAction, /AcroForm, /Annots,
# /JavaScript, /EmbeddedFiles, /Info, /Metadata, /URI, /Outlines.
ALLOWED_KEYS = {
    "/Type",
    "/Pages",
    "/Kids",
    "/Count",
    "/Parent",
    "/MediaBox",
    "/Resources",
    "/XObject",
    "/Im0",
    "/Contents",
    "/Length",
    "/Subtype",
    "/Width",
    "/Height",
    "/ColorSpace",
    "/BitsPerComponent",
    "/Filter",
}


def _stored_copy(operator, name: str, content: bytes) -> Attachment:
    submit_report(
        Client(),
        attachments=[SimpleUploadedFile(name, content, content_type="application/octet-stream")],
    )
    attachment = Attachment.objects.get()
    with vault.activated(keyring_for(operator)):
        attachment.data = attachment_bytes(attachment)  # type: ignore[attr-defined]
    return attachment


def _every_object(reader: PdfReader) -> list[DictionaryObject]:
    found: list[DictionaryObject] = [reader.trailer]
    for number in range(1, int(reader.trailer["/Size"])):  # type: ignore[call-overload]
        item = reader.get_object(number)
        if isinstance(item, DictionaryObject):
            found.append(item)
    return found


def _render(pdf: bytes) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    try:
        return document[0].render(scale=1).to_pil().convert("L")
    finally:
        document.close()


@pytest.mark.parametrize("carrier", sorted(PDF_CARRIERS))
def test_a_pdf_canary_does_not_survive_in_the_stored_copy(hotline_operator, carrier) -> None:
    original, secret = PDF_CARRIERS[carrier]()
    assert secret.encode() in original or carrier == "form" or _deflated(original, secret)

    stored = _stored_copy(hotline_operator, "statement.pdf", original)

    data = stored.data  # type: ignore[attr-defined]
    assert stored.content_type == "application/pdf"
    assert secret.encode() not in data
    reader = PdfReader(io.BytesIO(data))
    assert reader.pages[0].extract_text() == ""  # no text at all: the page is an image
    assert reader.metadata is None
    for item in _every_object(reader):
        assert set(item.keys()) - {"/Size", "/Root"} <= ALLOWED_KEYS, item.keys()
        if isinstance(item, StreamObject) and item.get("/Subtype") != "/Image":
            assert secret.encode() not in item.get_data()


def _deflated(pdf: bytes, secret: str) -> bool:
    """The canary is in the original's bytes, if only inside a compressed stream of any
    revision (a reader of the newest revision alone would not see an overwritten one)."""
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            if secret.encode() in zlib.decompressobj().decompress(match.group(1)):
                return True
    return False


def test_the_form_canary_is_really_in_the_original_form() -> None:
    original, secret = PDF_CARRIERS["form"]()
    fields = PdfReader(io.BytesIO(original)).get_fields() or {}
    assert fields["phone"]["/V"] == secret


def test_the_rebuilt_pdf_shows_what_the_original_page_showed(hotline_operator) -> None:
    original = plain_statement()

    stored = _stored_copy(hotline_operator, "statement.pdf", original)

    data = stored.data  # type: ignore[attr-defined]
    before, after = _render(original), _render(data)
    assert after.size == pytest.approx(before.size, abs=2)
    difference = ImageChops.difference(before, after.resize(before.size))
    assert ImageStat.Stat(difference).mean[0] < 6  # the same page, up to JPEG and resampling
    assert after.getpixel((100, 842 - 640)) < 60  # type: ignore[operator]  # the black block is still black
    assert after.getpixel((400, 842 - 640)) > 200  # type: ignore[operator]  # and the paper beside it still white


@pytest.mark.parametrize("carrier", sorted(AUDIO_CARRIERS))
def test_an_audio_canary_does_not_survive_in_the_stored_copy(hotline_operator, carrier) -> None:
    mime, build = AUDIO_CARRIERS[carrier]
    original, secret = build()
    assert secret.encode() in original
    length = mutagen.File(io.BytesIO(original)).info.length

    stored = _stored_copy(hotline_operator, "voice.bin", original)

    data = stored.data  # type: ignore[attr-defined]
    assert stored.content_type == mime
    assert secret.encode() not in data
    assert secret.encode("utf-16-le") not in data
    assert secret.encode("utf-16-be") not in data
    cleaned = mutagen.File(io.BytesIO(data))
    assert not cleaned.tags
    assert cleaned.info.length == pytest.approx(length)


def _first_chunk(m4a: bytes) -> bytes:
    """The bytes the first entry of `stco` points at, as long as the first sample."""
    offset_at = m4a.index(b"stco") + 4 + 8
    offset = struct.unpack(">I", m4a[offset_at : offset_at + 4])[0]
    sizes_at = m4a.index(b"stsz") + 4 + 4
    sample_size, _count, first = struct.unpack(">III", m4a[sizes_at : sizes_at + 12])
    return m4a[offset : offset + (sample_size or first)]


def test_an_m4a_keeps_its_audio_where_the_chunk_offsets_say(hotline_operator) -> None:
    # The fixture has a `free` atom before `mdat`: dropping it moves the audio 8 bytes back.
    original, _secret = AUDIO_CARRIERS["mp4-quicktime-atoms"][1]()

    stored = _stored_copy(hotline_operator, "voice.m4a", original)

    data = stored.data  # type: ignore[attr-defined]
    assert b"free" in original[:40]
    assert b"free" not in data
    assert _first_chunk(data) == _first_chunk(original)
    assert len(_first_chunk(data)) > 4


def test_the_rebuilt_pdf_page_is_a_picture_of_the_right_size(hotline_operator) -> None:
    stored = _stored_copy(hotline_operator, "statement.pdf", plain_statement())

    page = PdfReader(io.BytesIO(stored.data)).pages[0]  # type: ignore[attr-defined]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert width == pytest.approx(595.28, abs=1)
    assert height == pytest.approx(841.89, abs=1)
    image = page["/Resources"]["/XObject"]["/Im0"].get_object()  # type: ignore[index]
    picture = Image.open(
        io.BytesIO(image.get_data() if image["/Filter"] != "/DCTDecode" else image._data)
    )
    assert picture.format == "JPEG"
    assert picture.width >= 1200
