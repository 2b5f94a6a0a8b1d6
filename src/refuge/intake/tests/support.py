"""Helpers for the intake's tests: drive the public pages as a browser would."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from django.test import Client
from PIL import Image

RECEIPT_PATTERN = re.compile(r'class="receipt">([0-9 ]+)<')


def form_token(client: Client, url: str = "/") -> str:
    html = client.get(url).content.decode()
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match is not None, "the page has no form token"
    return match.group(1)


def report_data(client: Client, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "token": form_token(client),
        "body": "Меня задержали в Аргуне, прошу помочь",
        "urgency": "detained",
        "reporter_kind": "self",
        "contact": "после 22:00",
        "website": "",
    }
    data.update(overrides)
    return data


def follow_303(client: Client, response: Any) -> Any:
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"])


def submit_report(client: Client, **overrides: Any) -> str:
    """Send a report through the form; return the receipt the receipt page shows."""
    page = follow_303(client, client.post("/", report_data(client, **overrides)))
    match = RECEIPT_PATTERN.search(page.content.decode())
    assert match is not None, page.content.decode()
    return match.group(1)


def open_mailbox(client: Client, receipt: str) -> Any:
    return follow_303(client, client.post("/mailbox/open/", {"receipt": receipt}))


def jpeg_with_gps() -> bytes:
    """A small photo carrying GPS coordinates, a camera maker and a comment in its EXIF."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Maker"  # Make
    exif[0x0132] = "2026:11:25 10:00:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (43.0, 18.0, 0.0)  # Grozny
    gps[3] = "E"
    gps[4] = (45.0, 41.0, 0.0)
    output = io.BytesIO()
    image.save(output, format="JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return output.getvalue()


def pdf_with_metadata(password: str = "") -> bytes:
    """A one-page statement whose document info names its author, with a comment whose
    annotation names its writer; encrypted when a password is given."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Text
    from pypdf.generic import NameObject, TextStringObject
    from reportlab.pdfgen import canvas

    page = io.BytesIO()
    drawing = canvas.Canvas(page)
    drawing.drawString(72, 720, "Statement: held three days at the commandant's office")
    drawing.showPage()
    drawing.save()
    writer = PdfWriter(clone_from=PdfReader(page))
    writer.add_metadata(
        {
            "/Author": "Ruslan Canary",
            "/Title": "Argun basement",
            "/Creator": "Phone of +79281234567",
        }
    )
    annotation = writer.add_annotation(0, Text(rect=(50, 550, 200, 650), text="see page 2"))
    annotation[NameObject("/T")] = TextStringObject("Ruslan Canary")
    if password:
        writer.encrypt(user_password=password, algorithm="AES-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def recording(name: str) -> bytes:
    """A short tone recorded by ffmpeg, tagged with a name, a place and a phone number."""
    return (Path(__file__).parent / "data" / name).read_bytes()


def errors_in(html: str) -> list[str]:
    return (
        re.findall(r"<li>([^<]+)</li>", html.split('class="errorlist"', 1)[-1])
        if 'class="errorlist"' in html
        else []
    )
