"""An evidence download has its real type and extension, never `.bin` when
the file's kind is known; its name is the evidence reference, never the uploaded name."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from refuge.documentation.models import Event, Evidence
from refuge.documentation.tests.test_views import TESTIMONY, _form
from refuge.testing import log_in

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 0)).save(output, format="PNG")
    return output.getvalue()


def _download(client, content: bytes, name: str):
    client.post(TESTIMONY, _form())
    event = Event.objects.get()
    client.post(
        reverse("documentation:evidence_upload", args=[event.pk]),
        {"file": SimpleUploadedFile(name, content), "description": "x"},
    )
    evidence = Evidence.objects.get()
    return evidence, client.post(reverse("documentation:evidence_download", args=[evidence.pk]))


@pytest.mark.parametrize(
    ("content", "uploaded_as", "extension", "content_type"),
    [
        (_png(), "IMG_Ruslan_Argun.bin", ".png", "image/png"),  # the bytes decide, not the name
        (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n",
            "statement",
            ".pdf",
            "application/pdf",
        ),
        ("Показания свидетеля".encode(), "notes.TXT", ".txt", "text/plain"),
        (b"\x00\x01\x02 unknown", "data.weird-extension", ".bin", "application/octet-stream"),
    ],
)
def test_an_evidence_download_is_named_by_its_reference_with_its_real_type(
    client, lawyer, content, uploaded_as, extension, content_type
) -> None:
    log_in(client, lawyer)

    evidence, response = _download(client, content, uploaded_as)

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="{evidence.reference}{extension}"'
    )
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content == content
