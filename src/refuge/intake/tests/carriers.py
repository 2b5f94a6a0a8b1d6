"""Files that hide a canary in one carrier each: the places a sent file can name its sender.

Every builder returns (file bytes, canary). The canary is planted where a reader would not see
it on the page or hear it in the voice; the tests look for it in the copy the server stores.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path

DATA = Path(__file__).parent / "data"
VISIBLE_TEXT = "Statement: held three days at the commandant's office"


def canary(carrier: str) -> str:
    return f"CANARY{carrier.upper().replace('-', '')}7731"


# --- PDF ------------------------------------------------------------------------------------
def _statement(draw: Callable[..., None] | None = None) -> bytes:
    """A one-page statement in large print; `draw(canvas)` adds to the page."""
    from reportlab.pdfgen import canvas as reportlab_canvas

    output = io.BytesIO()
    page = reportlab_canvas.Canvas(output, pageCompression=0)  # canaries readable in bytes
    page.setFont("Helvetica", 18)
    page.drawString(60, 720, VISIBLE_TEXT)
    page.rect(60, 600, 200, 80, fill=1)  # a black block the rebuilt page must still show
    if draw is not None:
        draw(page)
    page.showPage()
    page.save()
    return output.getvalue()


def _with_writer(change: Callable[..., None], base: bytes | None = None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(base or _statement())))
    change(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_metadata() -> tuple[bytes, str]:
    secret = canary("metadata")

    def change(writer: object) -> None:
        writer.add_metadata({"/Author": secret, "/Creator": secret})  # type: ignore[attr-defined]
        writer.xmp_metadata = None  # type: ignore[attr-defined]

    return _with_writer(change), secret


def pdf_script() -> tuple[bytes, str]:
    secret = canary("script")
    from pypdf.actions import JavaScript

    return _with_writer(
        lambda writer: writer.add_open_action(
            JavaScript(f"app.launchURL('https://example.org/{secret}', true);")
        )
    ), secret


def pdf_link() -> tuple[bytes, str]:
    secret = canary("link")

    def draw(page: object) -> None:
        page.linkURL(f"https://example.org/{secret}", (60, 600, 260, 680))  # type: ignore[attr-defined]

    return _statement(draw), secret


def pdf_form() -> tuple[bytes, str]:
    secret = canary("form")

    def draw(page: object) -> None:
        # The field's value is kept by the form, shown only where a viewer draws the field.
        page.acroForm.textfield(  # type: ignore[attr-defined]
            name="phone", tooltip=secret, value=secret, x=60, y=400, width=300, height=20
        )

    return _statement(draw), secret


def pdf_embedded_file() -> tuple[bytes, str]:
    secret = canary("attached")
    return _with_writer(
        lambda writer: writer.add_attachment("contacts.txt", f"mother: {secret}".encode())
    ), secret


def pdf_hidden_text() -> tuple[bytes, str]:
    secret = canary("hidden")

    def draw(page: object) -> None:
        text = page.beginText(60, 500)  # type: ignore[attr-defined]
        text.setTextRenderMode(3)  # neither filled nor stroked: invisible, yet extractable
        text.textLine(secret)
        page.drawText(text)  # type: ignore[attr-defined]
        page.drawString(5000, 5000, secret)  # type: ignore[attr-defined]  # off the page

    return _statement(draw), secret


def pdf_comment() -> tuple[bytes, str]:
    from pypdf.annotations import Text
    from pypdf.generic import NameObject, TextStringObject

    secret = canary("comment")

    def change(writer: object) -> None:
        note = writer.add_annotation(  # type: ignore[attr-defined]
            0, Text(rect=(400, 700, 420, 720), text=f"call {secret}")
        )
        note[NameObject("/T")] = TextStringObject(secret)

    return _with_writer(change), secret


def pdf_earlier_revision() -> tuple[bytes, str]:
    """The canary was on the page once; an incremental update hid it, the bytes remain."""
    from pypdf import PdfReader, PdfWriter

    secret = canary("revision")

    def draw(page: object) -> None:
        page.drawString(60, 300, secret)  # type: ignore[attr-defined]

    first = _statement(draw)
    writer = PdfWriter(io.BytesIO(first), incremental=True)
    replacement = PdfReader(io.BytesIO(_statement())).pages[0]
    writer.pages[0].replace_contents(replacement.get_contents())
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), secret


PDF_CARRIERS: dict[str, Callable[[], tuple[bytes, str]]] = {
    "metadata": pdf_metadata,
    "script": pdf_script,
    "link": pdf_link,
    "form": pdf_form,
    "embedded-file": pdf_embedded_file,
    "hidden-text": pdf_hidden_text,
    "comment": pdf_comment,
    "earlier-revision": pdf_earlier_revision,
}


def plain_statement() -> bytes:
    return _statement()


# --- Audio ----------------------------------------------------------------------------------
def _tagged(name: str, tag: Callable[[io.BytesIO], None]) -> bytes:
    buffer = io.BytesIO((DATA / name).read_bytes())
    tag(buffer)
    return buffer.getvalue()


def mp3_id3v2() -> tuple[bytes, str]:
    from mutagen.id3 import APIC, COMM, ID3, TIT2

    secret = canary("idthree")

    def tag(buffer: io.BytesIO) -> None:
        tags = ID3()
        tags.add(TIT2(encoding=3, text=secret))
        tags.add(COMM(encoding=3, lang="rus", desc="", text=secret))
        tags.add(
            APIC(
                encoding=3,
                mime="image/jpeg",
                type=3,
                desc=secret,
                data=b"\xff\xd8\xff\xe0" + secret.encode() + b"\xff\xfb\x90\x64" * 8,
            )
        )
        tags.save(buffer)

    return _tagged("voice.mp3", tag), secret


def mp3_id3v1() -> tuple[bytes, str]:
    secret = canary("idone")
    original = (DATA / "voice.mp3").read_bytes()
    title = secret.encode().ljust(30, b"\x00")[:30]
    return original + b"TAG" + title + bytes(30) + bytes(30) + b"2026" + bytes(30) + b"\xff", secret


def mp3_apev2() -> tuple[bytes, str]:
    from mutagen.apev2 import APEv2

    secret = canary("ape")

    def tag(buffer: io.BytesIO) -> None:
        tags = APEv2()
        tags["Title"] = secret
        tags["Comment"] = f"recorded at {secret}"
        tags.save(buffer)

    return _tagged("voice.mp3", tag), secret


def ogg_vorbis_comment() -> tuple[bytes, str]:
    import mutagen

    secret = canary("vorbis")

    def tag(buffer: io.BytesIO) -> None:
        recording = mutagen.File(buffer)
        recording["title"] = [secret]
        recording["location"] = [secret]
        buffer.seek(0)
        recording.save(buffer)

    return _tagged("voice.ogg", tag), secret


def m4a_itunes_atoms() -> tuple[bytes, str]:
    import mutagen

    secret = canary("itunes")

    def tag(buffer: io.BytesIO) -> None:
        recording = mutagen.File(buffer)
        recording["\xa9nam"] = [secret]
        recording["\xa9day"] = ["2026-11-25"]
        buffer.seek(0)
        recording.save(buffer)

    return _tagged("voice.m4a", tag), secret


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def m4a_quicktime_atoms() -> tuple[bytes, str]:
    """A recorder's place (©xyz), a `uuid` atom and a handler name that tag APIs do not list.

    The file keeps its `moov` after `mdat`, so growing `moov` moves no audio."""
    secret = canary("quicktime").encode()
    original = (DATA / "voice.m4a").read_bytes()
    moov_at = original.index(b"moov") - 4
    size = struct.unpack(">I", original[moov_at : moov_at + 4])[0]
    assert moov_at + size == len(original)  # the fixture ends with moov
    place = _box(b"udta", _box(b"\xa9xyz", struct.pack(">HH", len(secret), 0) + secret))
    extra = place + _box(b"uuid", bytes(16) + secret) + _box(b"free", secret)
    moov = original[moov_at:] + extra
    moov = struct.pack(">I", len(moov)) + moov[4:]
    return original[:moov_at] + moov, secret.decode()


def trailing_bytes(name: str) -> Callable[[], tuple[bytes, str]]:
    def build() -> tuple[bytes, str]:
        secret = canary(f"trailing{name.split('.')[1]}")
        return (DATA / name).read_bytes() + f"note: {secret}".encode(), secret

    return build


AUDIO_CARRIERS: dict[str, tuple[str, Callable[[], tuple[bytes, str]]]] = {
    "id3v2": ("audio/mpeg", mp3_id3v2),
    "id3v1": ("audio/mpeg", mp3_id3v1),
    "apev2": ("audio/mpeg", mp3_apev2),
    "vorbis-comment": ("audio/ogg", ogg_vorbis_comment),
    "mp4-itunes-atoms": ("audio/mp4", m4a_itunes_atoms),
    "mp4-quicktime-atoms": ("audio/mp4", m4a_quicktime_atoms),
    "mp3-trailing-bytes": ("audio/mpeg", trailing_bytes("voice.mp3")),
    "ogg-trailing-bytes": ("audio/ogg", trailing_bytes("voice.ogg")),
    "m4a-trailing-bytes": ("audio/mp4", trailing_bytes("voice.m4a")),
}


# --- PDF bombs ------------------------------------------------------------------------------
def _pdf(bodies: list[bytes]) -> bytes:
    from refuge.intake.pdf_render import _write_objects

    return _write_objects(bodies)


def pdf_page_tree_bomb(depth: int = 6, fan: int = 10) -> bytes:
    """About 1 KB declaring a million pages: each level of the page tree names the next ten
    times over."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        parent = b"" if level == 0 else b"/Parent %d 0 R" % (number - 1)
        kids = b" ".join([b"%d 0 R" % (number + 1)] * fan)
        bodies.append(
            b"<< /Type /Pages %s /Kids [%s] /Count %d >>" % (parent, kids, fan ** (depth - level))
        )
    bodies.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 600 800] >>" % (depth + 1))
    return _pdf(bodies)


def pdf_drawing_bomb(depth: int = 9, fan: int = 10) -> bytes:
    """About 2 KB that draws a line a billion times: a form that draws a form ten times,
    nine levels deep (the 'billion laughs' of PDF)."""
    first_form = 5
    drawing = b"/X Do"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] "
        b"/Resources << /XObject << /X %d 0 R >> >> /Contents 4 0 R >>" % first_form,
        b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream",
    ]
    for level in range(depth):
        if level == depth - 1:
            content, resources = b"0 0 m 500 700 l S", b""
        else:
            content = b" ".join([b"/X Do"] * fan)
            resources = b"/Resources << /XObject << /X %d 0 R >> >>" % (first_form + level + 1)
        bodies.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] %s /Length %d >>"
            b"\nstream\n" % (resources, len(content)) + content + b"\nendstream"
        )
    return _pdf(bodies)
